"""Process chains ("Prozessketten", seed report 002): a meeting's chains and stations, who acts where, and
the "Wer macht was" page and poster."""

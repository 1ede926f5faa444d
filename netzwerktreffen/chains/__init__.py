"""Process chains ("Prozessketten", seed report 002): who acts at which station of a meeting's chains."""

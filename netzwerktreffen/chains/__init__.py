"""Process chains ("Prozessketten"): a meeting's chains and stations, who acts where (seed report 002)."""

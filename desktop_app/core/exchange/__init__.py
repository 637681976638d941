"""What goes in and out of the program: Excel reports for the street office, roster import, demo data."""

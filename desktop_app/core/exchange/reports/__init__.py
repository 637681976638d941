"""Excel reports for the street office (街道), written with XlsxWriter."""

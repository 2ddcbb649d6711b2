"""govreport-indicators: indicators from Chinese local-government reports, traced to sentences."""

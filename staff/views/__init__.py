"""Console pages, one module per section; `ROUTE_MODULES` in staff.web lists which are mounted."""

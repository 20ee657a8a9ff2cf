"""Low-income and return-to-poverty monitoring (低收入人口动态监测): monitored households, warning levels
I red / II yellow / III blue, risk factors, measures and the two-monthly re-assessment."""

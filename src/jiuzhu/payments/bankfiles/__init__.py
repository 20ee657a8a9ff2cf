"""Bank files: layouts as data (layouts), writing the file of an approved payroll (export), taking the
bank's return file (returns), and a bank's answer for the demo and tests (simulate)."""

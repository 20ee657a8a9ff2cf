"""jiuzhu (救助): social assistance management for county civil-affairs bureaus."""

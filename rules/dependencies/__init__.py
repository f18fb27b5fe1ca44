"""Dependencies rules: one module per rule, the module name is the rule id in snake_case."""

"""AI context hygiene: what assistants may read, what their instruction files hide, what their MCP servers run."""

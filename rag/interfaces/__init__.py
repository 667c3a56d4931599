"""How people and programs reach the assistant: the CLI, the HTTP and OpenAI-compatible API, MCP, the remote
retriever, the app's helpers."""

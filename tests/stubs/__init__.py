"""Local stand-ins for outside services (the OpenAI API), shared by tests and benchmarks."""

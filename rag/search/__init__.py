"""Finding paragraphs: hybrid retrieval, references to paragraphs by number, follow-up questions, the LangChain
retriever."""

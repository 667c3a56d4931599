"""Reading documents: the formats, the paragraphs and their labels, the metadata, adding and removing files."""

"""What depends on a language, in one place: detection, stemming and function words, question words, interface
strings, document layouts."""

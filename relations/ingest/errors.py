"""Why an article could not be read: every refusal of the extractor is an `ExtractionError` with a message."""


class ExtractionError(ValueError):
    """The text cannot be extracted; the message says why in words an editor understands."""


class EmptyTextError(ExtractionError):
    pass


class NotTextError(ExtractionError):
    """Binary data or markup residue rather than prose."""


class UnsupportedLanguageError(ExtractionError):
    """The text is neither Indonesian nor English."""

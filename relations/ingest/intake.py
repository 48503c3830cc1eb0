"""From pasted text, an uploaded file or a URL to one stored Article.

The same text twice is the same article (content hash); a near-identical text (another outlet's copy of the same
press release) is stored but linked to the first through `duplicate_of` and not extracted again. Bad input raises
`IntakeError` with a message for the editor, before any row is written.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from babel import Locale
from django.conf import settings
from django.db import IntegrityError, OperationalError, connections, router, transaction
from django.db.models import Func, IntegerField, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from relations.freshness import bump_on_commit
from relations.ingest import similarity
from relations.ingest.fetch import FetchError, fetch_url, too_large_message
from relations.ingest.language import clearly_supported
from relations.ingest.queue import queued_message
from relations.models import Article, content_hash, normalize_text

LANGUAGES = {"en", "id"}
MIN_CHARS = 80
NEAR_DUPLICATE_RATIO = 90.0
NEAR_DUPLICATE_WINDOW = dt.timedelta(days=30)
NEAR_DUPLICATE_CANDIDATES = 200  # the most recent articles of similar size compared with a new one
NEAR_DUPLICATE_CHUNK = 400  # articles of the window read at a time until that many of similar size are found
NEAR_DUPLICATE_SCAN = 8_000  # at most so many of the window's latest articles are looked at for those
# The estimated share of word pairs in common above which the texts are compared. Copies with a ratio of 90 share
# 0.4 or more unless their changes are scattered through every sentence; different articles of this project's
# corpus, 0.03 (one pair in a thousand above 0.13). See similarity.py and tests/test_ingest_similarity.py.
NEAR_DUPLICATE_SIGNATURE_SIMILARITY = 0.15
# The key of PostgreSQL's advisory lock that near-duplicate checks and inserts take in turn (any 64-bit number the
# project uses for nothing else: the bytes of "intake").
INTAKE_LOCK = int.from_bytes(b"intake", "big")
INTAKE_LOCK_WAIT_S = 10
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
HEADER_LINE = re.compile(r"^(SOURCE|URL|PUBLISHED|TITLE|OUTLET):\s*(.*)$", re.IGNORECASE)


class ByteLength(Func):
    """The stored size of a text in bytes. PostgreSQL reads it from the value's header without decompressing the
    text, where the length in characters would decompress every candidate of the near-duplicate window."""

    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))", **extra_context)

    def get_db_converters(self, connection):
        # Both databases return an integer already; Django's int() on each of a page's 400 rows cost 0.3 ms.
        return []


class IntakeError(ValueError):
    """The input cannot become an article; the message says why, for the editor."""


class Outcome(StrEnum):
    CREATED = "created"
    EXISTING = "existing"
    NEAR_DUPLICATE = "near_duplicate"


@dataclass(frozen=True)
class Intake:
    article: Article
    outcome: Outcome

    @property
    def needs_extraction(self) -> bool:
        return self.outcome == Outcome.CREATED


# --- Entry points ------------------------------------------------------------------------------------------------


def intake_text(
    text: str,
    *,
    title: str = "",
    url: str = "",
    outlet: str = "",
    published_on: dt.date | None = None,
    language: str | None = None,
    queued: bool = False,
) -> Intake:
    """Store pasted or decoded text as an article (or find the one it already is).

    `queued`: the caller sends the extraction task as soon as this returns, outside a transaction (`send_extraction(
    pk, already_queued=True)`), so a new article is stored queued at once rather than pending and then updated."""
    check_size(len(text.encode("utf-8")))
    header, text = split_header(text)
    text = normalize_text(text)
    if not text:
        raise IntakeError(_("The article is empty."))
    if len(text) < MIN_CHARS:
        raise IntakeError(_("The article is too short (%(n)s characters); paste its whole text.") % {"n": len(text)})
    if "\x00" in text or control_ratio(text) > 0.05:
        raise IntakeError(binary_message())
    language = language or detect_language(text)
    return store(
        text,
        title=(title or header.get("title") or first_line_title(text))[:500],
        url=(url or header.get("source") or header.get("url") or "")[:1000],
        outlet=outlet or header.get("outlet", ""),
        published_on=published_on or parse_day(header.get("published")),
        language=language,
        queued=queued,
    )


def intake_file(data: bytes, *, filename: str, content_type: str = "", **meta) -> Intake:
    """Store an uploaded or local .txt/.html file: size and binary checks first, then its main text."""
    check_size(len(data))
    name = filename.lower()
    is_html = name.endswith(HTML_SUFFIXES) or "html" in content_type or looks_like_html(data)
    if not is_html and not name.endswith(TEXT_SUFFIXES) and content_type != "text/plain":
        raise IntakeError(_("Only .txt and .html files can be imported."))
    if data.startswith(UTF16_MARKS):
        # Windows' "Unicode" text files: every other byte of Latin letters is zero, which looks binary.
        markup = data.decode("utf-16", errors="replace")
        is_html = is_html or looks_like_html(markup.encode("utf-8"))
    elif looks_binary(data):
        raise IntakeError(binary_message())
    else:
        markup = decode(data)
    if not is_html:
        return intake_text(markup, **meta)
    page_title, page_day, text = main_text(markup)
    meta.setdefault("title", page_title)
    meta["title"] = meta["title"] or page_title
    meta["published_on"] = meta.get("published_on") or page_day
    return intake_text(text, **meta)


def intake_url(url: str, **meta) -> Intake:
    """Fetch a page (see fetch.py for the limits) and store its main text; nothing is stored when the fetch fails."""
    try:
        page = fetch_url(url)
    except FetchError as exc:
        raise IntakeError(str(exc)) from exc
    filename = page.url.rsplit("/", 1)[-1] or "page.html"
    if page.content_type == "text/plain":
        filename = filename if filename.endswith(".txt") else filename + ".txt"
    elif not filename.endswith(HTML_SUFFIXES):
        filename += ".html"
    return intake_file(page.body, filename=filename, content_type=page.content_type, url=url, **meta)


# --- Storing once ------------------------------------------------------------------------------------------------


def store(text: str, *, queued: bool = False, **fields) -> Intake:
    digest = content_hash(text)
    # The id alone (the whole row, text included, only for the rare text already stored), without the default order.
    existing = list(Article.objects.filter(content_hash=digest).order_by().values_list("pk", flat=True)[:1])
    if existing:
        return Intake(Article.objects.get(pk=existing[0]), Outcome.EXISTING)
    signature = similarity.text_signature(text)
    database = router.db_for_write(Article)
    try:
        with intake_turn(database):
            original = find_near_duplicate(
                text, title=fields["title"], published_on=fields["published_on"], signature=signature
            )
            if original:
                fields.update(
                    duplicate_of=original,
                    status_message=_("A near-duplicate of article #%(pk)s; it is reviewed there.")
                    % {"pk": original.pk},
                )
                if original.status == Article.Status.APPROVED:
                    fields["status"] = Article.Status.APPROVED
            elif queued:
                # Stored as `send_extraction` would mark it: one write and one commit an article instead of two.
                fields.update(status=Article.Status.QUEUED, status_message=queued_message())
            # Inside intake's turn on PostgreSQL (no savepoint of its own), a transaction of its own elsewhere.
            with transaction.atomic(using=database, savepoint=False):
                article = Article.objects.create(text=text, content_hash=digest, signature=signature, **fields)
                if original and original.status == Article.Status.APPROVED:
                    article.meetings.set(original.meetings.all())
                    bump_on_commit(database)  # its meetings' pages now list it (an article's insert bumps nothing)
    except IntegrityError:
        # Someone stored the same text between our look-up and our insert.
        return Intake(Article.objects.get(content_hash=digest), Outcome.EXISTING)
    return Intake(article, Outcome.NEAR_DUPLICATE if original else Outcome.CREATED)


@contextmanager
def intake_turn(database: str):
    """On PostgreSQL, a transaction holding intake's advisory lock: the near-duplicate check and the insert of one
    intake at a time, until it commits. Two copies of one press release taken in at once (two editors, or `ingest
    --jobs`) would otherwise each find no original in the other's uncommitted row, and both be extracted. What comes
    before (decoding, language, signature) runs in parallel. (Under READ COMMITTED, Django's default, the check's
    queries see what the previous holder committed; a REPEATABLE READ snapshot would be older than the lock.)

    Elsewhere nothing: SQLite lets one process write at a time, and a check inside its deferred transaction would
    make a concurrent writer fail at once with "database is locked" instead of waiting for it."""
    connection = connections[database]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=database):
        with connection.cursor() as cursor:
            # A submission waits its turn behind a bulk import's inserts, never indefinitely.
            cursor.execute(f"SET LOCAL lock_timeout = '{INTAKE_LOCK_WAIT_S}s'")
            try:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INTAKE_LOCK])
            except OperationalError as exc:
                raise IntakeError(
                    _("Other articles are being stored and this one waited too long for its turn; try again.")
                ) from exc
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
        yield


def find_near_duplicate(
    text: str, *, title: str, published_on: dt.date | None, signature: bytes | None = None
) -> Article | None:
    """A recent article, or one with the same title or date, whose text is at least 90% the same.

    Only the texts whose signature is close enough to this one's (or that have none) are read and compared: reading
    and comparing every recent text cost more than all the rest of intake."""
    since = timezone.now() - NEAR_DUPLICATE_WINDOW
    # A ratio of 90 is impossible when one text is more than 22% longer than the other, in characters. The window is
    # on bytes (a character is one to four), widened so that it holds every text within those character bounds:
    # at least 0.8 x our characters, at most our bytes plus four bytes for each of a quarter more characters.
    chars, size = len(text), len(text.encode("utf-8"))
    smallest, largest = chars * 0.8, size + chars
    articles = Article.objects.filter(duplicate_of__isnull=True).annotate(size=ByteLength("text"))
    # The window's articles newest first, along the index on created_at, a chunk at a time, their size checked here:
    # with the size in the query (PostgreSQL has no statistics for it) it read and sorted the whole table.
    recent = articles.filter(created_at__gte=since).order_by("-created_at", "-pk")
    rows: list[tuple[int, bytes | None]] = []
    # Keyset pages (each starts below the last row read), at most NEAR_DUPLICATE_SCAN rows: a window holding few
    # texts of this size would otherwise be read whole, page after page.
    after = Q()
    for _page in range(NEAR_DUPLICATE_SCAN // NEAR_DUPLICATE_CHUNK):
        chunk = list(recent.filter(after).values_list("pk", "size", "signature")[:NEAR_DUPLICATE_CHUNK])
        rows += [(pk, theirs) for pk, length, theirs in chunk if smallest <= length <= largest]
        if len(rows) >= NEAR_DUPLICATE_CANDIDATES or len(chunk) < NEAR_DUPLICATE_CHUNK:
            break
        last_pk = chunk[-1][0]
        # The next page starts below the last row read. Its created_at is read by the database, once (a scalar
        # subquery), rather than returned with every row: turning those into datetimes was a tenth of intake.
        last_created = Subquery(Article.objects.filter(pk=last_pk).values("created_at")[:1])
        # The bound on created_at alone lets the index scan start there; the OR then orders ties by id.
        after = Q(created_at__lte=last_created) & (Q(created_at__lt=last_created) | Q(pk__lt=last_pk))
    older = Q()
    if title:
        older |= Q(title__iexact=title)
    if published_on:
        older |= Q(published_on=published_on)
    if len(rows) < NEAR_DUPLICATE_CANDIDATES and older:
        rows += (
            articles.filter(older, created_at__lt=since, size__gte=smallest, size__lte=largest)
            .order_by("-created_at", "-pk")
            .values_list("pk", "signature")[: NEAR_DUPLICATE_CANDIDATES - len(rows)]
        )
    ours = similarity.Signature(signature if signature is not None else similarity.text_signature(text))
    close = [
        pk
        for pk, theirs in rows[:NEAR_DUPLICATE_CANDIDATES]
        if theirs is None or ours.similarity(theirs) >= NEAR_DUPLICATE_SIGNATURE_SIMILARITY
    ]
    unsigned = {pk for pk, theirs in rows[:NEAR_DUPLICATE_CANDIDATES] if theirs is None}
    signed = []
    best, best_score = None, 0.0
    texts = Article.objects.filter(pk__in=close).order_by("-created_at", "-pk").values_list("pk", "text")
    for pk, candidate in texts if close else ():
        score = fuzz.ratio(text, candidate, score_cutoff=NEAR_DUPLICATE_RATIO)
        if score > best_score:
            best, best_score = pk, score
        if pk in unsigned:  # stored before signatures: signed now, so that its text is read once, not every time
            signed.append(Article(pk=pk, signature=similarity.text_signature(candidate)))
    if signed:
        Article.objects.bulk_update(signed, ["signature"])
    return Article.objects.get(pk=best) if best else None


# --- Checks and conversions --------------------------------------------------------------------------------------


def check_size(size: int) -> None:
    if size > settings.ARTICLE_MAX_BYTES:
        raise IntakeError(too_large_message(size, settings.ARTICLE_MAX_BYTES))


def binary_message() -> str:
    return _("This file is not text: it looks like a binary file (an image, PDF or archive). Use .txt or .html.")


UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f\v\x1b")
    return bool(sample) and controls / len(sample) > 0.05


def control_ratio(text: str) -> float:
    sample = text[:8192]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\n\r\f\v")
    return controls / len(sample) if sample else 0.0


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype html", b"\xef\xbb\xbf<html"))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the usual encoding of older Indonesian sites."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def main_text(markup: str) -> tuple[str, dt.date | None, str]:
    """Title, date and main text of an HTML page, without menus, footers and comments."""
    import trafilatura

    text = trafilatura.extract(markup, include_comments=False, include_tables=False, favor_recall=True) or ""
    if len(normalize_text(text)) < MIN_CHARS:  # menus and footers only, or markup too broken to read
        raise IntakeError(_("No article text could be found in this HTML page."))
    metadata = trafilatura.extract_metadata(markup)
    title = (metadata.title or "") if metadata else ""
    day = parse_day(metadata.date) if metadata and metadata.date else None
    if title and normalize_text(text).startswith(title):
        text = normalize_text(text)[len(title) :]
    return title, day, text


def detect_language(text: str) -> str:
    """English or Indonesian, decided on the text; anything else is refused."""
    # Most articles are decided by their function words at once; langdetect (several ms an article, half of a bulk
    # import's time before this) only names what they leave in doubt.
    clear = clearly_supported(text[:5000])
    if clear:
        return clear
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # the same text always gets the same answer
    try:
        guesses = detect_langs(text[:5000])
    except LangDetectException as exc:
        raise IntakeError(_("The article's language could not be recognised.")) from exc
    best = guesses[0]
    for guess in guesses:
        if guess.lang in LANGUAGES and guess.prob >= 0.5:
            return guess.lang
    name = Locale("en").languages.get(best.lang.split("-")[0], best.lang)
    raise IntakeError(
        _("The article seems to be in %(language)s; only English and Indonesian articles can be imported.")
        % {"language": name}
    )


def split_header(text: str) -> tuple[dict[str, str], str]:
    """`SOURCE:`/`PUBLISHED:`/`TITLE:` lines at the top, as saved article files begin, and the text after them."""
    lines = text.lstrip("\ufeff").splitlines()
    header: dict[str, str] = {}
    body_starts = 0
    for index, line in enumerate(lines):
        match = HEADER_LINE.match(line.strip())
        if not match:
            break
        header[match.group(1).lower()] = match.group(2).strip()
        body_starts = index + 1
    if not header:
        return {}, text
    return header, "\n".join(lines[body_starts:])


def parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def first_line_title(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    if len(line) <= 200:
        return line
    return line[:120].rsplit(" ", 1)[0] + "…"

"""What a secret value is, judged where it is written, and what facts keep of one.

Facts go to the cache, a folder inside the project that anyone may read (and
CI systems upload), so they never keep a secret: a literal that may be one is
kept as a :class:`Literal` (its redacted form and the verdicts the secret
rules need), and a configuration value given to a secret-looking key is kept
redacted (:func:`conceal`). The judging functions live here so that the
collectors can judge; :mod:`flasklint.model.secrets` builds on them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Optional

from ..findings import redact

#: Final words of a key (split on ``_``) that name a secret. ``SECRET_KEY_FILE``,
#: ``PASSWORD_MIN_LENGTH`` or ``CSRF_TOKEN_HEADER`` end otherwise, so they are not secrets.
SECRET_ENDINGS = (
    ("SECRET",),
    ("PASSWORD",),
    ("PASSWD",),
    ("PASSPHRASE",),
    ("TOKEN",),
    ("APIKEY",),
    ("SECRET", "KEY"),
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("MASTER", "KEY"),
    ("PASSWORD", "SALT"),
)
#: Final words that make a key describe a secret rather than hold it (``SECRET_KEY_FILE``).
METADATA_WORDS = frozenset(
    {
        "FILE",
        "PATH",
        "DIR",
        "NAME",
        "HEADER",
        "LENGTH",
        "LEN",
        "MIN",
        "MAX",
        "TTL",
        "EXPIRES",
        "EXPIRATION",
        "TIMEOUT",
        "AGE",
        "FIELD",
        "PARAM",
        "LOCATION",
        "TYPE",
        "ALGORITHM",
        "HASH",
        "SCHEME",
        "ROUNDS",
        "ENABLED",
        "REQUIRED",
        "URL",
        "URI",
        "ENDPOINT",
        "PREFIX",
        "TEMPLATE",
        "ENV",
        "VAR",
    }
)
#: Values that stand for a secret rather than being one, compared lower-case without punctuation.
PLACEHOLDERS = frozenset(
    {
        "dev",
        "development",
        "secret",
        "secretkey",
        "changeme",
        "changethis",
        "changeit",
        "mysecret",
        "mysecretkey",
        "password",
        "passwd",
        "pass",
        "test",
        "testing",
        "default",
        "key",
        "insecure",
        "notsecret",
        "notasecret",
        "supersecret",
        "supersecretkey",
        "todo",
        "example",
        "none",
        "null",
        "foo",
        "bar",
        "foobar",
        "dummy",
        "fake",
        "sample",
        "placeholder",
        "token",
        "apikey",
    }
)
_PLACEHOLDER_PREFIXES = ("your", "change", "replace", "insert", "enter", "put")
_TEMPLATE = re.compile(r"^\s*(\$|%\(|\{\{|<.*>\s*$|\{.*\}\s*$)")
_PATH = re.compile(r"^(/|\./|\.\./|~/|[A-Za-z]:\\)|^[\w.-]+\.(pem|key|crt|json|txt|cfg)$")
#: Minimum length of a ``SECRET_KEY`` (FL305): 24 characters, as ``os.urandom(24)`` in Flask's docs.
MIN_SECRET_KEY_LENGTH = 24
_URI = re.compile(
    r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@"
    r"(?P<host>[^/\s@]+)(?P<rest>[/?#]\S*)?$"
)
#: Password fields that are templates or stand-ins, not passwords.
_NOT_PASSWORDS = re.compile(
    r"^(\$.*|%\(.*|\{.*\}|<.*>|\*+|x+|\.\.\.|password|pass|passwd|pwd|secret|changeme|"
    r"your[_\-]?password)$",
    re.IGNORECASE,
)
#: Formats of keys that services issue, real whatever file holds them: AWS access key ids,
#: GitHub tokens, Slack tokens, Stripe live keys, PEM private key blocks, JSON Web Tokens.
KEY_FORMATS = re.compile(
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}|\b[rs]k_live_[A-Za-z0-9]{16,}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
)
#: Words inside a value that make it a documented stand-in (AWS's ``AKIAIOSFODNN7EXAMPLE``).
_STAND_IN_WORDS = re.compile(r"example|sample|dummy|fake|xxxx|0000000", re.IGNORECASE)
#: Shortest random-looking value that counts as a key, and its least Shannon entropy in bits per character.
MIN_RANDOM_LENGTH = 20
MIN_RANDOM_ENTROPY = 3.0
#: Least number of places where a letter and a digit meet in a random-looking value.
MIN_LETTER_DIGIT_MIXES = 3


def _key_words(name: str) -> tuple[str, ...]:
    """Return the words of a key, upper-case, without trailing numbers (``SECRET_KEY_2`` -> SECRET, KEY)."""
    parts = [p for p in name.upper().split("_") if p]
    while parts and parts[-1].isdigit():
        parts.pop()
    return tuple(parts)


def is_secret_key(name: str) -> bool:
    """Return whether a config key or environment variable name names a secret.

    Its last words must name one (``MAIL_PASSWORD``, ``STRIPE_API_KEY``), or it
    must be a variant of ``SECRET_KEY`` (``SECRET_KEY_HMAC``) that does not end
    in a word describing the secret (``SECRET_KEY_FILE``).
    """
    parts = _key_words(name)
    if any(parts[-len(ending) :] == ending for ending in SECRET_ENDINGS):
        return True
    return parts[:2] == ("SECRET", "KEY") and parts[-1] not in METADATA_WORDS


def not_a_secret(value: str, key: str = "", env: Optional[str] = None) -> bool:
    """Return whether a value stands for a secret rather than being one.

    Empty strings, placeholders (``changeme``, ``your-secret-key``, ``xxxx``),
    template references (``${SECRET}``, ``%(key)s``, ``<token>``), file
    paths (``/run/secrets/key``), values that spell their own key or the
    variable they are the fallback of (``AWS_SECRET_ACCESS_KEY =
    "aws-secret-access-key"``) and slugs that end like their key, naming a
    secret rather than holding it (``QE_CONFIG_SECRET =
    "quay-enterprise-config-secret"``, a Kubernetes secret's name), are not
    secrets. Values with other than ASCII
    characters are never placeholders.
    """
    stripped = value.strip()
    if not stripped or _TEMPLATE.match(stripped) or _PATH.match(stripped):
        return True
    if not stripped.isascii():
        return False
    norm = re.sub(r"[^a-z0-9]", "", stripped.lower())
    slug = re.fullmatch(r"[a-z0-9]+([-_.][a-z0-9]+){2,}", stripped)
    names_key = bool(slug) and bool(key) and re.split(r"[-_.]", stripped)[-1] == _key_words(key)[-1].lower()
    spells_name = norm in {re.sub(r"[^a-z0-9]", "", name.lower()) for name in (key, env) if name}
    return (
        not norm
        or norm in PLACEHOLDERS
        or len(set(stripped)) == 1
        or norm.startswith(_PLACEHOLDER_PREFIXES)
        or names_key
        or spells_name
    )


def weakness(value: str) -> Optional[str]:
    """Return why ``value`` is a weak signing key (a placeholder, too short), or None."""
    if not_a_secret(value):
        return "a placeholder"
    if len(value) < MIN_SECRET_KEY_LENGTH:
        return f"shorter than {MIN_SECRET_KEY_LENGTH} characters"
    return None


def issued_key(value: str) -> bool:
    """Return whether a value has the format of a key a service issues (:data:`KEY_FORMATS`), not a stand-in's."""
    return bool(KEY_FORMATS.search(value)) and not _STAND_IN_WORDS.search(value)


def looks_real(value: str) -> bool:
    """Return whether a value looks like a real key rather than a sample one (for committed templates).

    A value looks real when it has the format of a key a service issues
    (:data:`KEY_FORMATS`: ``AKIA...``, ``ghp_...``, ``xoxb-...``,
    ``sk_live_...``, a private key block, a JSON Web Token), or when it looks
    random: at least :data:`MIN_RANDOM_LENGTH` characters without spaces, a
    Shannon entropy of at least :data:`MIN_RANDOM_ENTROPY` bits per
    character (random hex scores above 3.2 at that length; repeated
    patterns score lower), and letters and digits mixed throughout (at least
    :data:`MIN_LETTER_DIGIT_MIXES` places where they meet), which words with
    a number (``my-secret-key-2024``, ``ThisIsMyKey123``) are not.
    Placeholders (:func:`not_a_secret`) and values naming a stand-in
    (``AKIAIOSFODNN7EXAMPLE``, ``sk_live_xxxx...``) never look real.
    """
    stripped = value.strip()
    if not_a_secret(stripped) or _STAND_IN_WORDS.search(stripped):
        return False
    if issued_key(stripped):
        return True
    if len(stripped) < MIN_RANDOM_LENGTH or any(c.isspace() for c in stripped):
        return False
    counts = Counter(stripped).values()
    entropy = -sum(n / len(stripped) * math.log2(n / len(stripped)) for n in counts)
    mixes = sum(a.isalpha() != b.isalpha() and (a + b).isalnum() for a, b in zip(stripped, stripped[1:]))
    return entropy >= MIN_RANDOM_ENTROPY and mixes >= MIN_LETTER_DIGIT_MIXES


def credential_uri(text: str) -> Optional[tuple[str, str]]:
    """Return ``(scheme, password)`` when ``text`` is a URI with a real-looking password, else None.

    A password equal to the user name (``postgres:postgres``, ``guest:guest``)
    is a well-known default, not a secret.
    """
    match = _URI.match(text.strip())
    if not match or match.group("scheme").lower().startswith("sqlite"):
        return None
    password = match.group("password")
    if _NOT_PASSWORDS.match(password) or password == match.group("user"):
        return None
    return match.group("scheme"), password


@dataclass(frozen=True)
class Literal:
    """A string (or bytes) literal that may be a secret, where it is written, and never its text.

    ``shown`` is the literal redacted (:func:`~flasklint.findings.redact`);
    ``placeholder`` says whether it stands for a secret rather than being one
    (:func:`not_a_secret`, for the key it is given to); ``weakness`` why it
    would be a weak signing key (:func:`weakness`); ``uri`` the scheme and
    the redacted password when it is a URI with a password; ``looks_real``
    whether it (or that password) looks like a real key (:func:`looks_real`),
    which is what counts in a committed template. Secret rules
    report at the literal itself, so that reporters mask exactly the secret;
    bytes are decoded as Latin-1.
    """

    shown: str
    line: int
    column: int
    end_line: int
    end_column: int
    placeholder: bool = False
    weakness: Optional[str] = None
    uri: Optional[tuple[str, str]] = None
    looks_real: bool = False


def secret_literal(
    text: str, key: str, line: int, column: int, end_line: int, end_column: int, env: Optional[str] = None
) -> Literal:
    """Return what facts keep of the literal ``text``, given to ``key`` (``""`` when none), at a place.

    ``env`` names the environment variable the literal is the fallback of, if any.
    """
    uri = credential_uri(text)
    placeholder = not_a_secret(text, key, env)
    real = not placeholder and looks_real(uri[1] if uri else text)
    return Literal(
        redact(text),
        line,
        column,
        end_line,
        end_column,
        placeholder,
        weakness(text),
        (uri[0], redact(uri[1])) if uri else None,
        real,
    )


def conceal(value, key: str):
    """Return a config :class:`~flasklint.facts.config.Value` fit to keep: redacted if it may be a secret.

    A non-empty string given to a secret-looking ``key``, or holding a URI
    with a password, becomes its redacted form: still a non-empty string,
    which is all that rules ask of such values.
    """
    text = value.value
    if isinstance(text, str) and text and (is_secret_key(key) or credential_uri(text)):
        return replace(value, value=redact(text))
    return value

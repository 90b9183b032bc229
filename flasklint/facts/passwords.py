"""What flasklint knows about passwords: names, request sources and hash functions.

The one place the password rules (FL401-FL405), the data flow
(:mod:`.password_flow`) and the model facts (:mod:`.models`) ask what a
password looks like, where request data comes from and which calls hash.
Functions here only look at names; resolving a name to what it imports is
:func:`~flasklint.flask_context.local_target`'s job.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

#: Words that make a name a password (``password``, ``new_passwd``, ``pwd``).
_PASSWORD = re.compile(r"pass(?:word|wd|wort)|pwd|pswd|^(?:pass|pw)\d*$|_pw$|^pw_")
#: Words that make a password-like name something else: a token, a flag, a date.
_NOT_PASSWORD = re.compile(
    r"token|reset|salt|change|expir|date|time|length|polic|requir|enabl|forgot|strength|hint|"
    r"question|count|attempt|last|histor|_at$|field|label|^is_|^has_|need|must|regex|"
    r"url|link|form|mail|valid|rule|set_|generat|check|verif|show|widget"
)
#: Words that mark a name as holding a hash rather than the password itself.
_HASHED = re.compile(r"hash|digest|crypt|enc")

#: Attributes of ``flask.request`` that hold client data as a mapping or value.
REQUEST_DATA = frozenset({"form", "args", "values", "json", "data", "files", "cookies"})
#: Methods of ``flask.request`` that return client data.
REQUEST_METHODS = frozenset({"get_json", "get_data"})
#: Methods of a request mapping that return one field.
FIELD_GETTERS = frozenset({"get", "getlist", "pop", "getone"})
#: Methods and builtins that return the same password in another shape.
SAME_VALUE = frozenset(
    {
        "strip",
        "lstrip",
        "rstrip",
        "encode",
        "decode",
        "lower",
        "upper",
        "casefold",
        "to_dict",
        "copy",
        "str",
        "bytes",
        "loads",
        "hexdigest",
        "digest",
    }
)
#: ``hashlib`` constructors that are fast digests, not password hashes.
WEAK_DIGESTS = frozenset(
    {
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "blake2b",
        "blake2s",
        "sha3_224",
        "sha3_256",
        "sha3_384",
        "sha3_512",
        "new",
    }
)
#: Werkzeug ``generate_password_hash`` methods that derive a key (safe).
KDF_METHODS = ("pbkdf2", "scrypt")
#: What the book asks for: at least this many bcrypt rounds (2.12.2).
MIN_BCRYPT_ROUNDS = 12


def is_password_name(name: Optional[str], hashed: bool = False) -> bool:
    """Return whether ``name`` names a password; with ``hashed``, also a stored hash of one.

    ``password``, ``password1``, ``new_pwd`` are passwords; ``password_hash``
    and ``_password`` columns count only with ``hashed`` (a sink: raw data
    stored there is still plaintext); ``reset_password_token``,
    ``password_changed_at`` and ``change_password`` never do.
    """
    if not name:
        return False
    lowered = name.lower()
    if not _PASSWORD.search(lowered) or _NOT_PASSWORD.search(lowered):
        return False
    return hashed or not _HASHED.search(lowered)


def digest_name(target: Optional[str]) -> Optional[str]:
    """Return the ``hashlib`` constructor ``target`` names (``md5``), else None."""
    if target and target.startswith("hashlib.") and target.count(".") == 1:
        name = target.partition(".")[2]
        return name if name in WEAK_DIGESTS else None
    return None


def is_hash_call(target: Optional[str]) -> bool:
    """Return whether a call of ``target`` turns a password into a hash.

    Deliberately broad, because it only ever silences findings: werkzeug and
    Flask-Bcrypt ``generate_password_hash``, ``bcrypt.hashpw``, passlib's and
    argon2's ``.hash``/``.encrypt``, ``hashlib``, ``scrypt``, ``pbkdf2_hmac``
    and any project function whose name says it hashes (``hash_password``).
    """
    if not target:
        return False
    last = target.rpartition(".")[2].lower()
    if last.startswith("check") or last.startswith("verify"):
        return False
    return bool(digest_name(target)) or any(word in last for word in ("hash", "crypt", "kdf", "make_password"))


def weak_method(call: ast.Call) -> Optional[str]:
    """Return the weak ``method=`` of a werkzeug ``generate_password_hash`` call, if any."""
    node = next((k.value for k in call.keywords if k.arg == "method"), None)
    if node is None and len(call.args) > 1:
        node = call.args[1]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if not node.value.startswith(KDF_METHODS):
            return node.value
    return None


def low_rounds(node: Optional[ast.AST]) -> Optional[int]:
    """Return the literal round count of ``node`` when it is below the book's minimum."""
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value < MIN_BCRYPT_ROUNDS:
        return node.value
    return None

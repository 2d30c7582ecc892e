"""The subset of AWS IoT SQL that the local rules engine runs (``SELECT ... FROM 'topic/filter' WHERE ...``).

Supported:

* ``SELECT`` items: ``*``, nested fields (``a.b.c``, ``a[0]``), literals, arithmetic, function calls, each with an
  optional ``AS alias`` (``AS`` may be left out). Without an alias a field is named after its last segment, a
  function after the function, anything else ``_1``, ``_2`` ... by position.
* ``FROM`` a single-quoted MQTT topic filter with ``+`` (one level) and ``#`` (this level and below, last only).
* ``WHERE`` with ``= <> != < <= > >=``, ``AND OR NOT``, parentheses, ``+ - * / %`` and unary minus;
  string ('single' or "double" quoted, ``''`` escapes a quote), number, ``true``/``false``/``null`` literals.
* Functions: ``topic()``, ``topic(n)`` (1-based level), ``clientid()``, ``timestamp()`` (ms), ``newuuid()``,
  ``lower(s)``, ``upper(s)``, ``abs(n)``.

Semantics follow AWS IoT: a missing field is *Undefined*; Undefined (or a type mismatch, or division by zero)
propagates through operators and comparisons; ``WHERE`` passes only on ``true``; Undefined results are left out
of the output document. ``SELECT *`` of a payload that is not a JSON object passes the raw payload through.
Keywords are case-insensitive; field names are case-sensitive.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Self

from advisor.errors import InvalidInput


class _Undefined:
    _instance: _Undefined | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "Undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED = _Undefined()


class RuleSqlError(InvalidInput):
    """The rule's SQL is not in the supported subset (message names the position)."""


# ----- lexer ---------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*'|"(?:[^"]|"")*")
  | (?P<ident>[A-Za-z_$][A-Za-z0-9_$]*|`[^`]+`)
  | (?P<op><>|!=|<=|>=|=|<|>|\(|\)|,|\.|\*|\+|-|/|%|\[|\])
""", re.VERBOSE)

KEYWORDS = {"select", "from", "where", "as", "and", "or", "not", "true", "false", "null"}


@dataclass(frozen=True)
class Token:
    kind: str       # number | string | ident | keyword | op | eof
    value: Any
    pos: int


def tokenize(sql: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(sql):
        m = _TOKEN.match(sql, pos)
        if m is None:
            raise RuleSqlError(f"rule SQL: unexpected character {sql[pos]!r} at position {pos + 1}")
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "number":
            tokens.append(Token("number", float(text) if re.search(r"[.eE]", text) else int(text), pos))
        elif kind == "string":
            quote = text[0]
            tokens.append(Token("string", text[1:-1].replace(quote * 2, quote), pos))
        elif kind == "ident":
            if text.startswith("`"):
                tokens.append(Token("ident", text[1:-1], pos))
            elif text.lower() in KEYWORDS:
                tokens.append(Token("keyword", text.lower(), pos))
            else:
                tokens.append(Token("ident", text, pos))
        elif kind == "op":
            tokens.append(Token("op", text, pos))
        pos = m.end()
    tokens.append(Token("eof", None, len(sql)))
    return tokens


# ----- AST -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Path:
    parts: tuple[str | int, ...]      # field names and array indexes


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Unary:
    op: str          # not | -
    operand: Any


@dataclass(frozen=True)
class Binary:
    op: str          # and or = <> < <= > >= + - * / %
    left: Any
    right: Any


@dataclass(frozen=True)
class SelectItem:
    expr: Any | None          # None for *
    alias: str | None

    @property
    def star(self) -> bool:
        return self.expr is None


@dataclass(frozen=True)
class Query:
    select: tuple[SelectItem, ...]
    topic_filter: str
    where: Any | None
    sql: str = field(default="", compare=False)

    def matches_topic(self, topic: str) -> bool:
        return topic_matches(self.topic_filter, topic)

    def evaluate(self, payload: bytes | str | dict[str, Any], topic: str, *, client_id: str | None = None,
                 now_ms: int | None = None) -> dict[str, Any] | bytes | None:
        """The rule's output for one message, or ``None`` when the topic or ``WHERE`` does not match."""
        if not self.matches_topic(topic):
            return None
        ctx = Context.of(payload, topic, client_id, now_ms)
        if self.where is not None and evaluate(self.where, ctx) is not True:
            return None
        return project(self.select, ctx)


FUNCTIONS: dict[str, tuple[int, int]] = {   # name -> (min args, max args)
    "topic": (0, 1), "clientid": (0, 0), "timestamp": (0, 0), "newuuid": (0, 0),
    "lower": (1, 1), "upper": (1, 1), "abs": (1, 1),
}


# ----- parser --------------------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, sql: str):
        self.sql = sql
        self.tokens = tokenize(sql)
        self.i = 0

    # helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: str, tok: Token | None = None) -> RuleSqlError:
        t = tok or self.tok
        near = "end of input" if t.kind == "eof" else repr(self.sql[t.pos:t.pos + 15])
        return RuleSqlError(f"rule SQL: {message} at position {t.pos + 1} (near {near})")

    def accept(self, kind: str, value: Any = None) -> Token | None:
        t = self.tok
        if t.kind == kind and (value is None or t.value == value):
            self.i += 1
            return t
        return None

    def expect(self, kind: str, value: Any = None, what: str | None = None) -> Token:
        t = self.accept(kind, value)
        if t is None:
            raise self.error(f"expected {what or value or kind}")
        return t

    # grammar
    def query(self) -> Query:
        self.expect("keyword", "select", "SELECT")
        items = [self.select_item()]
        while self.accept("op", ","):
            items.append(self.select_item())
        self.expect("keyword", "from", "FROM")
        t = self.tok
        if t.kind != "string":
            raise self.error("expected a quoted topic filter after FROM")
        self.i += 1
        validate_topic_filter(t.value)
        where = None
        if self.accept("keyword", "where"):
            where = self.expr()
        if self.tok.kind != "eof":
            raise self.error("unexpected token")
        return Query(tuple(items), t.value, where, self.sql)

    def select_item(self) -> SelectItem:
        if self.accept("op", "*"):
            return SelectItem(None, None)
        expr = self.expr()
        alias = None
        if self.accept("keyword", "as"):
            alias = self.expect("ident", what="an alias after AS").value
        elif self.tok.kind == "ident":
            alias = self.tok.value
            self.i += 1
        return SelectItem(expr, alias)

    def expr(self) -> Any:
        return self.or_expr()

    def or_expr(self) -> Any:
        left = self.and_expr()
        while self.accept("keyword", "or"):
            left = Binary("or", left, self.and_expr())
        return left

    def and_expr(self) -> Any:
        left = self.not_expr()
        while self.accept("keyword", "and"):
            left = Binary("and", left, self.not_expr())
        return left

    def not_expr(self) -> Any:
        if self.accept("keyword", "not"):
            return Unary("not", self.not_expr())
        return self.comparison()

    def comparison(self) -> Any:
        left = self.additive()
        t = self.tok
        if t.kind == "op" and t.value in ("=", "<>", "!=", "<", "<=", ">", ">="):
            self.i += 1
            op = "<>" if t.value == "!=" else t.value
            right = self.additive()
            nxt = self.tok
            if nxt.kind == "op" and nxt.value in ("=", "<>", "!=", "<", "<=", ">", ">="):
                raise self.error("comparisons cannot be chained; use AND")
            return Binary(op, left, right)
        return left

    def additive(self) -> Any:
        left = self.multiplicative()
        while self.tok.kind == "op" and self.tok.value in ("+", "-"):
            op = self.tok.value
            self.i += 1
            left = Binary(op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Any:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.value in ("*", "/", "%"):
            op = self.tok.value
            self.i += 1
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.accept("op", "-"):
            operand = self.unary()
            if isinstance(operand, Literal) and isinstance(operand.value, (int, float)) \
                    and not isinstance(operand.value, bool):
                return Literal(-operand.value)
            return Unary("-", operand)
        return self.postfix()

    def postfix(self) -> Any:
        t = self.tok
        if t.kind == "ident" and self.tokens[self.i + 1].kind == "op" and self.tokens[self.i + 1].value == "(":
            return self.call()
        node = self.primary()
        if isinstance(node, Path):
            parts = list(node.parts)
            while True:
                if self.accept("op", "."):
                    parts.append(self.expect("ident", what="a field name after '.'").value)
                elif self.accept("op", "["):
                    idx = self.expect("number", what="an array index")
                    if not isinstance(idx.value, int):
                        raise self.error("array index must be an integer", idx)
                    self.expect("op", "]", "']'")
                    parts.append(idx.value)
                else:
                    break
            node = Path(tuple(parts))
        return node

    def call(self) -> Call:
        name_tok = self.expect("ident")
        name = name_tok.value.lower()
        if name not in FUNCTIONS:
            raise self.error(f"unsupported function {name_tok.value}()", name_tok)
        self.expect("op", "(", "'('")
        args: list[Any] = []
        if not self.accept("op", ")"):
            args.append(self.expr())
            while self.accept("op", ","):
                args.append(self.expr())
            self.expect("op", ")", "')'")
        lo, hi = FUNCTIONS[name]
        if not lo <= len(args) <= hi:
            raise self.error(f"{name}() takes {lo if lo == hi else f'{lo} to {hi}'} argument(s)", name_tok)
        return Call(name, tuple(args))

    def primary(self) -> Any:
        t = self.tok
        if t.kind == "number" or t.kind == "string":
            self.i += 1
            return Literal(t.value)
        if t.kind == "keyword" and t.value in ("true", "false", "null"):
            self.i += 1
            return Literal({"true": True, "false": False, "null": None}[t.value])
        if t.kind == "ident":
            self.i += 1
            return Path((t.value,))
        if self.accept("op", "("):
            inner = self.expr()
            self.expect("op", ")", "')'")
            return inner
        raise self.error("expected an expression")


def parse(sql: str) -> Query:
    """Parse one rule statement; raises ``RuleSqlError`` (an ``InvalidInput``) with the position on error."""
    if not isinstance(sql, str) or not sql.strip():
        raise RuleSqlError("rule SQL is empty")
    return _Parser(sql).query()


def parse_expression(text: str) -> Any:
    """Parse a bare expression (used for ``${...}`` substitution templates in rule actions)."""
    p = _Parser(text)
    node = p.expr()
    if p.tok.kind != "eof":
        raise p.error("unexpected token")
    return node


# ----- topics --------------------------------------------------------------------------------------------------
def validate_topic_filter(topic_filter: str) -> None:
    if not topic_filter:
        raise RuleSqlError("rule SQL: the FROM topic filter is empty")
    levels = topic_filter.split("/")
    for i, level in enumerate(levels):
        if "#" in level and (level != "#" or i != len(levels) - 1):
            raise RuleSqlError(f"rule SQL: '#' must be a whole level and the last one in {topic_filter!r}")
        if "+" in level and level != "+":
            raise RuleSqlError(f"rule SQL: '+' must be a whole level in {topic_filter!r}")


def topic_matches(topic_filter: str, topic: str) -> bool:
    """MQTT matching: ``+`` is one level, ``#`` the parent and every level below; wildcards at the first level do
    not match topics that start with ``$`` (MQTT 3.1.1 §4.7.2)."""
    if topic.startswith("$") and topic_filter[:1] in ("+", "#"):
        return False
    f_levels = topic_filter.split("/")
    t_levels = topic.split("/")
    for i, f in enumerate(f_levels):
        if f == "#":
            return True
        if i >= len(t_levels):
            return False
        if f != "+" and f != t_levels[i]:
            return False
    return len(f_levels) == len(t_levels)


# ----- evaluation ----------------------------------------------------------------------------------------------
@dataclass
class Context:
    doc: Any                      # the decoded JSON payload, or UNDEFINED
    raw: bytes
    topic: str
    client_id: str | None = None
    now_ms: int | None = None

    @classmethod
    def of(cls, payload: bytes | str | dict[str, Any], topic: str, client_id: str | None = None,
           now_ms: int | None = None) -> Context:
        if isinstance(payload, dict):
            return cls(payload, json.dumps(payload).encode(), topic, client_id, now_ms)
        raw = payload.encode() if isinstance(payload, str) else bytes(payload)
        try:
            doc = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            doc = UNDEFINED
        return cls(doc, raw, topic, client_id, now_ms)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _lookup(ctx: Context, parts: tuple[str | int, ...]) -> Any:
    cur = ctx.doc
    for part in parts:
        if isinstance(part, int):
            if isinstance(cur, list) and -len(cur) <= part < len(cur):
                cur = cur[part]
            else:
                return UNDEFINED
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return UNDEFINED
    return cur


def _compare(op: str, a: Any, b: Any) -> Any:
    """AWS IoT comparison: numbers with numbers, strings with strings (ordered); booleans, null, objects and
    arrays only for (in)equality with their own type; any other pairing, or Undefined, gives Undefined."""
    if a is UNDEFINED or b is UNDEFINED:
        return UNDEFINED
    both_num = _is_num(a) and _is_num(b)
    if op in ("=", "<>"):
        if not both_num and type(a) is not type(b):
            return UNDEFINED
        return (a == b) if op == "=" else (a != b)
    if both_num or (isinstance(a, str) and isinstance(b, str)):
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    return UNDEFINED


def _arith(op: str, a: Any, b: Any) -> Any:
    if not (_is_num(a) and _is_num(b)):
        if op == "+" and isinstance(a, str) and isinstance(b, str):
            return a + b
        return UNDEFINED
    if op in ("/", "%") and b == 0:
        return UNDEFINED
    if op == "/":
        return a // b if isinstance(a, int) and isinstance(b, int) and a % b == 0 else a / b
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a % b


def _call(node: Call, ctx: Context) -> Any:
    args = [evaluate(a, ctx) for a in node.args]
    if node.name == "topic":
        if not args:
            return ctx.topic
        n = args[0]
        levels = ctx.topic.split("/")
        return levels[n - 1] if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(levels) \
            else UNDEFINED
    if node.name == "clientid":
        return ctx.client_id if ctx.client_id is not None else UNDEFINED
    if node.name == "timestamp":
        return ctx.now_ms if ctx.now_ms is not None else int(time.time() * 1000)
    if node.name == "newuuid":
        return str(uuid.uuid4())
    (v,) = args
    if node.name in ("lower", "upper"):
        return (v.lower() if node.name == "lower" else v.upper()) if isinstance(v, str) else UNDEFINED
    if node.name == "abs":
        return abs(v) if _is_num(v) else UNDEFINED
    raise RuleSqlError(f"unsupported function {node.name}()")      # pragma: no cover - parse() refuses it


def evaluate(node: Any, ctx: Context) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Path):
        return _lookup(ctx, node.parts)
    if isinstance(node, Call):
        return _call(node, ctx)
    if isinstance(node, Unary):
        v = evaluate(node.operand, ctx)
        if node.op == "not":
            return (not v) if isinstance(v, bool) else UNDEFINED
        return -v if _is_num(v) else UNDEFINED
    if isinstance(node, Binary):
        if node.op in ("and", "or"):
            left, right = evaluate(node.left, ctx), evaluate(node.right, ctx)
            lb = left if isinstance(left, bool) else UNDEFINED
            rb = right if isinstance(right, bool) else UNDEFINED
            if node.op == "and":
                if lb is False or rb is False:
                    return False
                return True if lb is True and rb is True else UNDEFINED
            if lb is True or rb is True:
                return True
            return False if lb is False and rb is False else UNDEFINED
        left, right = evaluate(node.left, ctx), evaluate(node.right, ctx)
        if node.op in ("+", "-", "*", "/", "%"):
            if left is UNDEFINED or right is UNDEFINED:
                return UNDEFINED
            return _arith(node.op, left, right)
        return _compare(node.op, left, right)
    raise TypeError(f"not an expression node: {node!r}")


def _default_name(item: SelectItem, position: int) -> str:
    expr = item.expr
    if isinstance(expr, Path):
        last = [p for p in expr.parts if isinstance(p, str)]
        return last[-1] if last else f"_{position}"
    if isinstance(expr, Call):
        return expr.name
    return f"_{position}"


def project(items: tuple[SelectItem, ...], ctx: Context) -> dict[str, Any] | bytes:
    out: dict[str, Any] = {}
    for position, item in enumerate(items, start=1):
        if item.star:
            if isinstance(ctx.doc, dict):
                out.update(ctx.doc)
            elif len(items) == 1:
                return ctx.raw            # SELECT * of a non-object payload passes it through unchanged
            continue
        value = evaluate(item.expr, ctx)
        if value is not UNDEFINED:
            out[item.alias or _default_name(item, position)] = value
    return out


# ----- ${...} substitution templates ---------------------------------------------------------------------------
_TEMPLATE = re.compile(r"\$\{([^}]*)\}")


def substitute(template: str, payload: bytes | str | dict[str, Any], topic: str, *, client_id: str | None = None,
               now_ms: int | None = None) -> str:
    """Expand ``${expr}`` in an action parameter (``${topic(2)}``, ``${timestamp()}``, ``${device.id}``);
    an Undefined expression expands to the empty string, as in AWS IoT."""
    ctx = Context.of(payload, topic, client_id, now_ms)

    def repl(m: re.Match[str]) -> str:
        node = parse_expression(m.group(1))
        value = evaluate(node, ctx)
        if value is UNDEFINED or value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value, separators=(",", ":"))
        return str(value)

    return _TEMPLATE.sub(repl, template)

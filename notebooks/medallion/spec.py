"""The stream spec: load, validate (JSON Schema, then cross-field checks), typed result.

The TypeScript constructs serialize the spec; the jobs pass it to every notebook as the
`spec` parameter. It is validated again here because a job parameter can be edited by hand.
Every problem is collected and reported at once, each as
`<json path>: <problem>, got <value>; allowed: <...>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from . import durations

SCHEMA_FILE = "stream-spec.v1.schema.json"
NUMERIC_TYPES = frozenset({"double", "long", "integer"})
FIELD_TYPES = frozenset({"string", "double", "long", "integer", "boolean", "timestamp"})


def _is_whole(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()


# Field types compared for equality (dimensions, a threshold's condition): whether a value fits, in words.
DISCRETE_VALUES: dict[str, tuple[Any, str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "long": (_is_whole, "a whole number"),
    "integer": (_is_whole, "a whole number"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
}
DISCRETE_TYPES = frozenset(DISCRETE_VALUES)


def schema_path() -> Path:
    """The packaged copy of schema/stream-spec.v1.schema.json (a test keeps both equal).

    The copy travels with the package to the Databricks workspace, where the repo's
    schema/ folder is not deployed.
    """
    return Path(__file__).with_name(SCHEMA_FILE)


def load_json_schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    path: str
    problem: str
    got: Any
    allowed: str | None = None

    def __str__(self) -> str:
        """The text validate-stream-spec.ts writes for the same mistake, word for word."""
        if self.got is _MISSING:
            text = f"{self.path} is required but missing"
        else:
            text = f"{self.path} = {_show(self.got)} is invalid: {self.problem}"
        return f"{text}; allowed: {self.allowed}" if self.allowed else text


class SpecError(ValueError):
    """Raised with every problem of a spec, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid stream spec ({len(problems)} problem(s)):\n{lines}")

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


_MISSING = _Missing()


def _show(value: Any) -> str:
    """A value as TypeScript's `describe` shows it: strings in single quotes, the rest as compact JSON."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _pattern_rule(node: Mapping[str, Any]) -> str:
    """A pattern's rule in words: the schema's `x-allowed` annotation beside it, else the regular expression."""
    return node.get("x-allowed") or f"strings matching {node['pattern']}"


def _one_of(values: Iterable[Any]) -> str:
    return "one of " + ", ".join(_show(v) for v in values)


def _range_rule(schema: Mapping[str, Any]) -> str:
    kind = "an integer" if schema.get("type") == "integer" else "a number"
    low, high, above = schema.get("minimum"), schema.get("maximum"), schema.get("exclusiveMinimum")
    if low is not None and high is not None:
        return f"{kind} from {_show(low)} to {_show(high)}"
    if low is not None:
        return f"{kind} >= {_show(low)}"
    if above is not None:
        return f"{kind} > {_show(above)}"
    return f"{kind} <= {_show(high)}"


def _equal_items(items: list[Any]) -> tuple[int, int]:
    """The pair of equal items ajv names: the last item equal to an earlier one, and the nearest such one."""
    for later in range(len(items) - 1, 0, -1):
        for earlier in range(later - 1, -1, -1):
            if items[earlier] == items[later]:
                return earlier, later
    return 0, 0


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


# ----------------------------------------------------------------------------- typed spec


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class SourceSpec:
    type: str
    event_hub_name: str
    partitions: int
    retention_days: int
    consumer_groups: Mapping[str, str]
    starting_position: str
    max_events_per_trigger: int


@dataclass(frozen=True)
class Standardization:
    field: str
    unit_field: str
    from_unit: str
    to_unit: str


@dataclass(frozen=True)
class WindowSpec:
    id: str
    type: str
    duration: str | None = None
    slide: str | None = None
    gap: str | None = None


@dataclass(frozen=True)
class AnomalyRule:
    id: str
    type: str
    severity: str
    field: str | None = None
    operator: str | None = None
    value: float | None = None
    increase_percent: float | None = None
    within: str | None = None
    timeout: str | None = None
    values: tuple[str, ...] | None = None
    condition: Condition | None = None


@dataclass(frozen=True)
class Condition:
    """A threshold applies only where `field` equals `equals`."""

    field: str
    equals: str | float | bool


@dataclass(frozen=True)
class Enrichment:
    """Reference data joined to silver: `columns` of `table` (`<layer>.<name>`) where `keys` match."""

    table: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    on_missing: str = "keep"

    @property
    def layer(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def table_name(self) -> str:
        return self.table.split(".", 1)[1]

    @property
    def missing_reason(self) -> str:
        return f"unknown_reference:{self.table}"


@dataclass(frozen=True)
class JoinSpec:
    """This stream's silver rows joined with `stream`'s where `keys` match and the other's event time is from
    this row's to `within` after it."""

    id: str
    stream: str
    keys: tuple[str, ...]
    within: str
    columns: tuple[str, ...]
    type: str = "inner"


@dataclass(frozen=True)
class FeatureSpec:
    field: str
    window: str


@dataclass(frozen=True)
class TargetSpec:
    catalog: str | None
    schemas: Mapping[str, str]
    table: str
    change_data_feed: bool = False


@dataclass(frozen=True)
class TriggerSpec:
    type: str
    interval: str | None = None


@dataclass(frozen=True)
class StreamSpec:
    spec_version: int
    name: str
    description: str | None
    fields: tuple[FieldSpec, ...]
    event_time_field: str
    event_id_field: str
    entity_field: str
    source: SourceSpec
    watermark: str
    standardize: tuple[Standardization, ...]
    windows: tuple[WindowSpec, ...]
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    anomalies: tuple[AnomalyRule, ...]
    features: FeatureSpec | None
    target: TargetSpec
    trigger: TriggerSpec
    enrichment: tuple[Enrichment, ...] = ()
    joins: tuple[JoinSpec, ...] = ()
    raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def implicitly_required(self) -> tuple[str, ...]:
        """Fields silver needs even when the spec marks them optional: id, time and device."""
        return (self.event_id_field, self.event_time_field, self.entity_field)

    def window(self, window_id: str) -> WindowSpec:
        for w in self.windows:
            if w.id == window_id:
                return w
        raise KeyError(window_id)


# ----------------------------------------------------------------------------- validation


def _schema_problems(data: Any) -> list[Problem]:
    validator = Draft202012Validator(load_json_schema())
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_translate(error))
    return problems


def _allowed_by(schema: Any) -> str | None:
    """What a property's schema allows, in words: its pattern's rule, an object's required keys, its description,
    else its type."""
    node = schema if isinstance(schema, dict) else {}
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        node = load_json_schema()["$defs"].get(ref.removeprefix("#/$defs/"), {})
    if isinstance(node.get("pattern"), str):
        return _pattern_rule(node)
    if node.get("type") == "object" and isinstance(node.get("required"), list):
        return "an object with " + ", ".join(node["required"])
    if "description" in node:
        return node["description"]
    if "enum" in node:
        return _one_of(node["enum"])
    types = [node["type"]] if isinstance(node.get("type"), str) else node.get("type")
    return f"a value of type {' or '.join(types)}" if isinstance(types, list) and types else None


def _translate(error: Any) -> list[Problem]:
    path = list(error.absolute_path)
    here = _json_path(path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extras = [k for k in error.instance if k not in schema.get("properties", {})]
        return [
            Problem(_json_path([*path, k]), "unknown property", error.instance[k], ", ".join(known)) for k in extras
        ]
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        properties = schema.get("properties", {})
        return [
            Problem(_json_path([*path, k]), "required but missing", _MISSING, _allowed_by(properties.get(k)))
            for k in missing
        ]
    if kind == "enum":
        return [Problem(here, "not one of the allowed values", error.instance, _one_of(error.validator_value))]
    if kind == "const":
        return [Problem(here, "unsupported value", error.instance, _show(error.validator_value))]
    if kind == "pattern":
        return [Problem(here, "invalid format", error.instance, _pattern_rule(schema))]
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return [Problem(here, "wrong type", error.instance, f"a value of type {expected}")]
    if kind in ("minimum", "maximum", "exclusiveMinimum"):
        return [Problem(here, "out of range", error.instance, _range_rule(schema))]
    if kind == "minItems":
        return [Problem(here, f"needs at least {error.validator_value} item(s)", error.instance)]
    if kind == "uniqueItems":
        earlier, later = _equal_items(error.instance)
        return [Problem(here, f"items must be unique (items {earlier} and {later} are equal)", error.instance)]
    if kind == "not":
        return [Problem(here, "property not allowed for this field type", error.instance, _not_hint(path))]
    return [Problem(here, error.message, error.instance)]


def _not_hint(path: list[Any]) -> str | None:
    last = path[-1] if path else None
    if last in ("min", "max"):
        return "min/max only on double, long, integer fields"
    if last == "allowed":
        return "allowed only on string fields"
    return None


class _Semantics:
    """Cross-field checks. Tolerant of a schema-invalid document so all problems surface together."""

    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.problems: list[Problem] = []
        self.types: dict[str, str] = {}
        self.fields: dict[str, Mapping[str, Any]] = {}

    def add(self, path: str, problem: str, got: Any, allowed: str | None = None) -> None:
        self.problems.append(Problem(path, problem, got, allowed))

    def run(self) -> list[Problem]:
        self._fields()
        self._key_fields()
        self._standardize()
        self._enrichment()
        self._windows()
        self._aggregation()
        self._anomalies()
        self._features()
        self._joins()
        return self.problems

    def _list(self, *keys: str) -> list[Any]:
        node: Any = self.data
        for key in keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        return node if isinstance(node, list) else []

    def _fields(self) -> None:
        for i, f in enumerate(self._list("schema", "fields")):
            if not isinstance(f, Mapping) or not isinstance(f.get("name"), str):
                continue
            name = f["name"]
            if name in self.fields:
                self.add(f"$.schema.fields[{i}].name", "duplicate field name", name)
                continue
            self.fields[name] = f
            self.types[name] = f.get("type") if f.get("type") in FIELD_TYPES else "?"
            lo, hi = f.get("min"), f.get("max")
            if _is_number(lo) and _is_number(hi) and lo > hi:
                self.add(f"$.schema.fields[{i}].min", f"min is greater than max ({hi})", lo, f"<= {hi}")

    def _ref(self, path: str, name: Any, want: frozenset[str] | None, what: str) -> str | None:
        """Check a reference to a field; returns the field's type if the field exists."""
        if not isinstance(name, str):
            return None  # the schema already reports a non-string
        if name not in self.types:
            self.add(path, "unknown field", name, ", ".join(self.types) or "fields of schema.fields")
            return None
        kind = self.types[name]
        if want is not None and kind != "?" and kind not in want:
            self.add(path, f"must be {what} field (field '{name}' is {kind})", name, _names_of(self.types, want))
        return kind

    def _key_fields(self) -> None:
        d = self.data
        self._ref("$.eventTimeField", d.get("eventTimeField"), frozenset({"timestamp"}), "a timestamp")
        self._ref("$.eventIdField", d.get("eventIdField"), frozenset({"string"}), "a string")
        self._ref(
            "$.entityField", d.get("entityField"), frozenset({"string", "long", "integer"}), "a string or integer"
        )

    def _standardize(self) -> None:
        for i, s in enumerate(self._list("standardize")):
            if not isinstance(s, Mapping):
                continue
            self._ref(f"$.standardize[{i}].field", s.get("field"), frozenset({"double"}), "a double")
            self._ref(f"$.standardize[{i}].unitField", s.get("unitField"), frozenset({"string"}), "a string")
            if s.get("from") is not None and s.get("from") == s.get("to"):
                self.add(f"$.standardize[{i}].to", "must differ from 'from'", s.get("to"))

    def _enrichment(self) -> None:
        """Join keys are fields compared for equality; each joined column is new to silver."""
        owners: dict[str, int] = {}
        for i, e in enumerate(self._list("enrichment")):
            if not isinstance(e, Mapping):
                continue
            keys = e.get("keys") if isinstance(e.get("keys"), list) else []
            for j, key in enumerate(keys):
                self._ref(f"$.enrichment[{i}].keys[{j}]", key, DISCRETE_TYPES, "a string, integer or boolean")
            columns = e.get("columns") if isinstance(e.get("columns"), list) else []
            for j, column in enumerate(columns):
                if not isinstance(column, str):
                    continue
                path = f"$.enrichment[{i}].columns[{j}]"
                owner = owners.get(column)
                if column in self.types:
                    self.add(path, "already a field of the event", column, "a column name that is not in schema.fields")
                elif owner is not None and owner != i:
                    self.add(
                        path, f"already joined by enrichment[{owner}]", column, "a column no other enrichment adds"
                    )
                owners.setdefault(column, i)

    def _unique_ids(self, items: list[Any], base: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, Mapping) else None
            if isinstance(ident, str):
                if ident in seen:
                    self.add(f"{base}[{i}].id", "duplicate id", ident)
                seen.add(ident)

    def _windows(self) -> None:
        windows = self._list("windows")
        self._unique_ids(windows, "$.windows")
        for i, w in enumerate(windows):
            if not isinstance(w, Mapping) or w.get("type") != "sliding":
                continue
            duration, slide = w.get("duration"), w.get("slide")
            if durations.is_duration(duration) and durations.is_duration(slide):
                if durations.to_seconds(slide) > durations.to_seconds(duration):
                    self.add(
                        f"$.windows[{i}].slide", "slide is longer than the window duration", slide, f"<= {duration}"
                    )

    def _aggregation(self) -> None:
        for i, name in enumerate(self._list("aggregation", "dimensions")):
            self._ref(f"$.aggregation.dimensions[{i}]", name, DISCRETE_TYPES, "a string, integer or boolean")
        for i, name in enumerate(self._list("aggregation", "measures")):
            self._ref(f"$.aggregation.measures[{i}]", name, NUMERIC_TYPES, "a numeric")

    def _anomalies(self) -> None:
        rules = self._list("anomalies")
        self._unique_ids(rules, "$.anomalies")
        for i, rule in enumerate(rules):
            if not isinstance(rule, Mapping):
                continue
            kind = rule.get("type")
            path = f"$.anomalies[{i}].field"
            if kind in ("threshold", "spike"):
                self._ref(path, rule.get("field"), NUMERIC_TYPES, "a numeric")
                if kind == "threshold" and isinstance(rule.get("condition"), Mapping):
                    self._condition(f"$.anomalies[{i}].condition", rule["condition"])
            elif kind == "status":
                if self._ref(path, rule.get("field"), frozenset({"string"}), "a string") == "string":
                    allowed = self.fields[rule["field"]].get("allowed")
                    values = rule.get("values")
                    if isinstance(allowed, list) and isinstance(values, list):
                        for j, v in enumerate(values):
                            if v not in allowed:
                                self.add(
                                    f"$.anomalies[{i}].values[{j}]",
                                    "value the field never takes",
                                    v,
                                    ", ".join(allowed),
                                )

    def _condition(self, path: str, condition: Mapping[str, Any]) -> None:
        """A threshold's condition: a string, integer or boolean field, and a value that field can take."""
        name = condition.get("field")
        kind = self._ref(f"{path}.field", name, DISCRETE_TYPES, "a string, integer or boolean")
        fits, allowed_values = DISCRETE_VALUES.get(kind, (None, None))
        value = condition.get("equals")
        # A value of no JSON Schema type allowed here is the schema's problem, reported once there.
        if fits is None or not isinstance(value, (str, int, float)):
            return
        if not fits(value):
            self.add(f"{path}.equals", f"not a value of field '{name}' ({kind})", value, allowed_values)
            return
        allowed = self.fields[name].get("allowed")
        if isinstance(allowed, list) and value not in allowed:
            self.add(f"{path}.equals", "value the field never takes", value, ", ".join(allowed))

    def _joins(self) -> None:
        """A join's keys are this stream's fields compared for equality; the other stream's columns are new to it."""
        joins = self._list("joins")
        self._unique_ids(joins, "$.joins")
        for i, j in enumerate(joins):
            if not isinstance(j, Mapping):
                continue
            if isinstance(j.get("stream"), str) and j.get("stream") == self.data.get("name"):
                self.add(f"$.joins[{i}].stream", "the stream itself", j["stream"], "another stream of the app")
            for k, key in enumerate(j.get("keys") if isinstance(j.get("keys"), list) else []):
                self._ref(f"$.joins[{i}].keys[{k}]", key, DISCRETE_TYPES, "a string, integer or boolean")
            for k, column in enumerate(j.get("columns") if isinstance(j.get("columns"), list) else []):
                if isinstance(column, str) and column in self.types:
                    self.add(
                        f"$.joins[{i}].columns[{k}]",
                        "already a field of the event",
                        column,
                        "a field of the other stream that this stream's schema.fields does not have",
                    )

    def _features(self) -> None:
        features = self.data.get("features")
        if isinstance(features, Mapping):
            self._ref("$.features.field", features.get("field"), NUMERIC_TYPES, "a numeric")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _names_of(types: Mapping[str, str], want: frozenset[str]) -> str:
    names = [n for n, t in types.items() if t in want]
    return ", ".join(names) if names else f"no field of type {'/'.join(sorted(want))}"


def _renamed_keys(data: Mapping[str, Any], problems: list[Problem]) -> list[Problem]:
    """Keys an earlier spec v1 used (the schema's `x-renamed-keys`): one "renamed" problem each, instead of an
    unknown and a missing key."""
    for old, new in load_json_schema().get("x-renamed-keys", {}).items():
        if old in data and new not in data:
            paths = {f"$.{old}", f"$.{new}"}
            problems = [p for p in problems if p.path not in paths]
            problems.append(Problem(f"$.{old}", "renamed", data[old], new))
    return problems


def validate(data: Any) -> list[Problem]:
    """All problems of a parsed spec document; empty when valid."""
    problems = _schema_problems(data)
    if isinstance(data, Mapping):
        problems.extend(_Semantics(data).run())
        problems = _renamed_keys(data, problems) if problems else problems
    unique: dict[tuple[str, str], Problem] = {}
    for p in problems:
        unique.setdefault((p.path, p.problem), p)
    return list(unique.values())


# ----------------------------------------------------------------------------- loading


def parse_spec(data: Mapping[str, Any]) -> StreamSpec:
    problems = validate(data)
    if problems:
        raise SpecError(problems)
    return _build(data)


def load_spec(source: str | Path | Mapping[str, Any]) -> StreamSpec:
    """A spec from a JSON string (the job parameter), a file path, or an already parsed dict."""
    if isinstance(source, Mapping):
        return parse_spec(source)
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{")):
        text = Path(source).read_text(encoding="utf-8")
    else:
        text = source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError([Problem("$", f"not valid JSON ({exc.msg} at line {exc.lineno})", text[:80])]) from exc
    return parse_spec(data)


def _build(d: Mapping[str, Any]) -> StreamSpec:
    src = d["source"]
    trigger = d["trigger"]
    features = d.get("features")
    return StreamSpec(
        spec_version=d["specVersion"],
        name=d["name"],
        description=d.get("description"),
        fields=tuple(
            FieldSpec(
                name=f["name"],
                type=f["type"],
                required=bool(f.get("required", False)),
                min=f.get("min"),
                max=f.get("max"),
                allowed=tuple(f["allowed"]) if "allowed" in f else None,
            )
            for f in d["schema"]["fields"]
        ),
        event_time_field=d["eventTimeField"],
        event_id_field=d["eventIdField"],
        entity_field=d["entityField"],
        source=SourceSpec(
            type=src["type"],
            event_hub_name=src["eventHubName"],
            partitions=src["partitions"],
            retention_days=src["retentionDays"],
            consumer_groups=dict(src["consumerGroups"]),
            starting_position=src["startingPosition"],
            max_events_per_trigger=src["maxEventsPerTrigger"],
        ),
        watermark=d["watermark"],
        standardize=tuple(
            Standardization(s["field"], s["unitField"], s["from"], s["to"]) for s in d.get("standardize", [])
        ),
        windows=tuple(
            WindowSpec(w["id"], w["type"], w.get("duration"), w.get("slide"), w.get("gap")) for w in d["windows"]
        ),
        dimensions=tuple(d["aggregation"]["dimensions"]),
        measures=tuple(d["aggregation"]["measures"]),
        anomalies=tuple(
            AnomalyRule(
                id=a["id"],
                type=a["type"],
                severity=a["severity"],
                field=a.get("field"),
                operator=a.get("operator"),
                value=a.get("value"),
                increase_percent=a.get("increasePercent"),
                within=a.get("within"),
                timeout=a.get("timeout"),
                values=tuple(a["values"]) if "values" in a else None,
                condition=Condition(a["condition"]["field"], a["condition"]["equals"]) if "condition" in a else None,
            )
            for a in d.get("anomalies", [])
        ),
        features=FeatureSpec(features["field"], features["window"]) if features else None,
        target=TargetSpec(
            d["target"]["catalog"],
            dict(d["target"]["schemas"]),
            d["target"]["table"],
            bool(d["target"].get("changeDataFeed", False)),
        ),
        trigger=TriggerSpec(trigger["type"], trigger.get("interval")),
        enrichment=tuple(
            Enrichment(e["table"], tuple(e["keys"]), tuple(e["columns"]), e.get("onMissing", "keep"))
            for e in d.get("enrichment", [])
        ),
        joins=tuple(
            JoinSpec(j["id"], j["stream"], tuple(j["keys"]), j["within"], tuple(j["columns"]), j.get("type", "inner"))
            for j in d.get("joins", [])
        ),
        raw=dict(d),
    )

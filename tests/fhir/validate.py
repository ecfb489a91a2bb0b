"""Validate FHIR R4 resources with an implementation independent of symscore.

Usage: validate.py FILE...  (a file holds one JSON resource, or NDJSON: one per line)

Each resource is validated with the R4B models of PyPI fhir.resources (pinned in
requirements.txt; the elements symscore writes are the same in R4 and R4B): types,
cardinalities, required elements, unknown elements, choice types. fhir.resources does not
check codes against their required bindings, so this script adds that check wherever the
models list the complete set of allowed codes (a list ending in "+" is truncated and is not
checked), and checks the invariants listed in invariant_errors. Prints one line per valid resource; exits 1 naming the file, the line of an NDJSON
resource and the error for an invalid one.
"""

import json
import sys

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel


# Value sets the models truncate, completed from the FHIR R4 specification.
COMPLETED = {
    # http://hl7.org/fhir/R4/valueset-item-type.html (required binding of Questionnaire.item.type)
    ("QuestionnaireItem", "type"): [
        "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
        "string", "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
    ],
    # http://hl7.org/fhir/R4/valueset-observation-status.html (required binding of Observation.status)
    ("Observation", "status"): [
        "registered", "preliminary", "final", "amended", "corrected", "cancelled",
        "entered-in-error", "unknown",
    ],
}


def invariant_errors(data):
    """The FHIR R4 invariants of the resources symscore writes that the models do not check:
    obs-6 (dataAbsentReason only without a value) and bdl-7 (fullUrl unique in a Bundle),
    for the resource and, in a Bundle, for each entry's resource."""
    errors = []
    if data.get("resourceType") == "Observation":
        values = [key for key in data if key.startswith("value")]
        if values and "dataAbsentReason" in data:
            errors.append(f"Observation obs-6: dataAbsentReason with {values[0]}")
    if data.get("resourceType") == "Bundle":
        seen = set()
        for index, entry in enumerate(data.get("entry", [])):
            url = entry.get("fullUrl")
            if url in seen:
                errors.append(f"Bundle.entry[{index}] bdl-7: fullUrl `{url}` repeated")
            seen.add(url)
            for error in invariant_errors(entry.get("resource", {})):
                errors.append(f"Bundle.entry[{index}].resource: {error}")
    return errors


def resources(path):
    """(location, parsed JSON) for each resource of the file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return [(path, json.loads(text))]
    except json.JSONDecodeError:
        pass
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            found.append((f"{path}:{number}", json.loads(line)))
    return found


def binding_errors(model, where):
    """Codes outside the complete value set of their element, recursively."""
    errors = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name, None)
        if value is None:
            continue
        extra = field.json_schema_extra or {}
        allowed = COMPLETED.get((type(model).__name__, name), extra.get("enum_values"))
        if allowed and "+" not in allowed and value not in allowed:
            errors.append(f"{where}.{name}: `{value}` is not one of {allowed}")
        values = value if isinstance(value, list) else [value]
        for index, child in enumerate(values):
            if isinstance(child, FHIRAbstractModel):
                at = f"{where}.{name}[{index}]" if isinstance(value, list) else f"{where}.{name}"
                errors.extend(binding_errors(child, at))
    return errors


def validate(location, data):
    """The error message for an invalid resource, else None."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        return "not a FHIR resource: no resourceType"
    try:
        model_class = get_fhir_model_class(data["resourceType"])
    except (KeyError, ValueError) as error:
        return f"unknown resourceType `{data['resourceType']}`: {error}"
    try:
        model = model_class.model_validate(data)
    except ValueError as error:
        return str(error)
    errors = binding_errors(model, data["resourceType"]) + invariant_errors(data)
    return "\n".join(errors) if errors else None


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    invalid = 0
    for path in paths:
        try:
            found = resources(path)
        except (OSError, json.JSONDecodeError) as error:
            print(f"{path}: cannot read: {error}", file=sys.stderr)
            return 2
        for location, data in found:
            error = validate(location, data)
            if error is None:
                print(f"{location}: valid {data['resourceType']}/{data.get('id', '')}")
            else:
                print(f"{location}: invalid: {error}", file=sys.stderr)
                invalid += 1
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What "everything published is documented" means, checked on dbt's artifacts."""

from __future__ import annotations

DISPATCH_PREFIXES = ("default__", "postgres__", "duckdb__", "spark__")


def undocumented(manifest: dict, catalog: dict, project: str = "activity_metrics") -> list[str]:
    """Every model, column, source, seed, macro, test, exposure, semantic model and metric
    of the project without a description (columns: every column the database has)."""
    missing = []
    for uid, node in manifest["nodes"].items():
        if node.get("package_name") != project:
            continue
        kind = node["resource_type"]
        if kind in ("model", "seed", "snapshot", "analysis"):
            if not node["description"].strip():
                missing.append(uid)
            documented = {
                name.lower()
                for name, col in node["columns"].items()
                if col.get("description", "").strip()
            }
            if kind in ("model", "seed"):
                in_db = catalog.get("nodes", {}).get(uid, {}).get("columns", {})
                missing += [f"{uid}.{col}" for col in in_db if col.lower() not in documented]
        elif kind == "test" and not node.get("test_metadata") and not node["description"].strip():
            missing.append(uid)
    for uid, source in manifest["sources"].items():
        if source["package_name"] == project and not (
            source["description"].strip() and source["source_description"].strip()
        ):
            missing.append(uid)
    for uid, macro in manifest["macros"].items():
        if macro["package_name"] == project and not macro["description"].strip():
            missing.append(uid)
    for section in ("exposures", "semantic_models", "metrics"):
        for uid, item in manifest.get(section, {}).items():
            if item["package_name"] == project and not (item.get("description") or "").strip():
                missing.append(uid)
    for uid, exposure in manifest.get("exposures", {}).items():
        if exposure["package_name"] == project and not exposure.get("owner", {}).get("email"):
            missing.append(f"{uid}.owner")
    return sorted(missing)

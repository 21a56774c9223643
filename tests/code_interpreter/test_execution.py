"""Running code in a session: state, output, errors, images and files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from agentkit.code_interpreter import KernelPool

from .pngcheck import png_size

pytestmark = pytest.mark.asyncio(loop_scope="package")

CHART = """
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [4, 1, 9])
plt.title("sales")
"""


@pytest_asyncio.fixture(loop_scope="package", scope="module")
async def charts(pool: KernelPool) -> AsyncIterator[str]:
    """A session that has imported matplotlib and pandas (about 1.5 s), shared by chart tests."""
    warm = await pool.execute("charts", "import matplotlib.pyplot as plt, pandas as pd")
    assert warm.ok, warm
    yield "charts"


async def test_variables_persist_between_calls(pool: KernelPool, session: str) -> None:
    first = await pool.execute(session, "total = 40")
    second = await pool.execute(session, "total + 2")

    assert first.new_kernel and not second.new_kernel
    assert (first.logs, second.logs) == ("", "42\n")
    assert second.ok


async def test_stdout_stderr_and_results_arrive_in_order(pool: KernelPool, witness: str) -> None:
    code = "import sys\nprint('one', flush=True)\nsys.stderr.write('two\\n')\nsys.stderr.flush()\n3"

    result = await pool.execute(witness, code)

    assert result.logs == "one\ntwo\n3\n"
    assert result.kernel_seconds is not None and 0 <= result.kernel_seconds < result.duration


async def test_an_exception_gives_a_traceback_and_the_session_goes_on(
    pool: KernelPool, witness: str
) -> None:
    await pool.execute(witness, "kept_over_a_raise = 'still here'")

    raised = await pool.execute(witness, "def f():\n    return 1 / 0\nf()")
    after = await pool.execute(witness, "print(kept_over_a_raise)")

    assert raised.error_name == "ZeroDivisionError" and raised.failure is None
    assert "Traceback" in raised.logs and "----> 3 f()" in raised.logs
    assert raised.logs.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "\x1b[" not in raised.logs
    assert after.logs == "still here\n" and not after.new_kernel


async def test_a_matplotlib_chart_comes_back_as_a_valid_png(pool: KernelPool, charts: str) -> None:
    result = await pool.execute(charts, CHART)

    assert len(result.images) == 1
    image = result.images[0]
    assert image.name is None
    width, height = png_size(image.png)  # the inline backend crops a 640x480 figure
    assert 400 < width <= 640 and 300 < height <= 480
    assert result.files == ()


async def test_files_written_to_mnt_data_come_back(pool: KernelPool, charts: str) -> None:
    code = (
        CHART
        + """
plt.savefig("/mnt/data/chart.png", dpi=50)
import pandas as pd, os
os.makedirs("/mnt/data/out", exist_ok=True)
pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_csv("/mnt/data/out/table.csv", index=False)
"""
    )
    result = await pool.execute(charts, code)

    assert [image.name for image in result.images] == [None, "chart.png"]
    assert png_size(result.images[1].png) == (320, 240)
    [table] = result.files
    assert (table.name, table.sandbox_path) == ("out/table.csv", "/mnt/data/out/table.csv")
    assert table.read_bytes() == b"a,b\n1,3\n2,4\n"
    assert table.size == len(b"a,b\n1,3\n2,4\n")


async def test_only_new_or_changed_files_are_outputs(pool: KernelPool, witness: str) -> None:
    await pool.execute(witness, "open('/mnt/data/grows.txt', 'w').write('a')")

    untouched = await pool.execute(witness, "open('/mnt/data/grows.txt').read()")
    changed = await pool.execute(witness, "open('/mnt/data/grows.txt', 'a').write('bc')")

    assert untouched.files == ()
    assert [(f.name, f.read_bytes()) for f in changed.files] == [("grows.txt", b"abc")]


async def test_matplotlib_and_ipython_keep_their_caches_out_of_mnt_data(
    pool: KernelPool, charts: str
) -> None:
    await pool.execute(charts, CHART)
    data_dir = pool.data_dir(charts)

    assert data_dir is not None
    # Only what the tests' code wrote (chart.png, out/): no font list, config or history.
    assert {path.name for path in data_dir.iterdir()} <= {"chart.png", "out"}


async def test_input_files_are_at_mnt_data(pool: KernelPool, witness: str, tmp_path: Path) -> None:
    source = tmp_path / "prices.csv"
    source.write_text("day,price\n1,10\n2,12\n")

    names = await pool.add_files(witness, [("../../notes.txt", b"hello"), source])
    result = await pool.execute(
        witness,
        "import pandas as pd\nprint(pd.read_csv('/mnt/data/prices.csv').price.sum())\n"
        "print(open('/mnt/data/notes.txt').read())",
    )

    assert names == ["notes.txt", "prices.csv"]
    assert result.logs == "22\nhello\n"
    assert result.files == ()  # input files are not outputs


async def test_a_changed_input_file_is_an_output(pool: KernelPool, witness: str) -> None:
    await pool.add_files(witness, [("changed.csv", b"x\n1\n")])

    result = await pool.execute(witness, "open('/mnt/data/changed.csv', 'a').write('2\\n')")

    assert [(f.name, f.read_bytes()) for f in result.files] == [("changed.csv", b"x\n1\n2\n")]


async def test_input_without_a_kernel_then_code(pool: KernelPool, session: str) -> None:
    kernels = pool.running_kernels
    await pool.add_files(session, [("a.txt", b"1")])
    assert session in pool and pool.running_kernels == kernels  # files start no kernel

    result = await pool.execute(session, "print(open('a.txt').read())")  # cwd is /mnt/data

    assert result.logs == "1\n" and result.new_kernel


async def test_input_is_refused_without_reading_stdin(pool: KernelPool, witness: str) -> None:
    result = await pool.execute(witness, "input('name? ')")

    assert result.error_name == "StdinNotImplementedError"
    assert result.failure is None

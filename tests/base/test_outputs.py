"""--force replaces only what tsrnn wrote; outputs are written atomically; one process per output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import invoke, one_line_error

from tsrnn.base.errors import CheckpointError
from tsrnn.base.outputs import check_replaceable, output_lock
from tsrnn.nn.checkpoint import run_directory

TRAIN = ["--epochs", "1", "--hidden", "3", "--layers", "1", "--window", "6", "--quiet"]
FAST = ["--length", "200", *TRAIN]  # a generated series


def listing(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.iterdir()}


@pytest.fixture
def user_dir(tmp_path):
    """A directory of the user's own files."""
    d = tmp_path / "mine"
    d.mkdir()
    (d / "thesis.tex").write_text("years of work")
    (d / "data.csv").write_text("a\n1\n")
    return d


# -- --force never deletes the user's files -------------------------------------------------------------
def test_fit_force_refuses_a_directory_of_user_files(user_dir):
    before = listing(user_dir)
    line = one_line_error(
        invoke("fit", *FAST, "--out", str(user_dir), "--force"),
        f"refusing to replace {str(user_dir)!r}: it holds 'data.csv', which tsrnn did not write and "
        f"would be lost",
    )
    assert "--force replaces only an empty directory or one holding nothing but a tsrnn run or model" in line
    assert listing(user_dir) == before
    assert os.listdir(user_dir.parent) == ["mine"]  # no partial, old or lock entry beside it


def test_a_run_with_a_user_file_added_is_not_replaced(tmp_path):
    out = tmp_path / "run"
    assert invoke("fit", *FAST, "--out", str(out)).exit_code == 0
    (out / "notes.md").write_text("my notes on this run")
    one_line_error(
        invoke("fit", *FAST, "--out", str(out), "--force"), "it holds 'notes.md', which tsrnn did not write"
    )
    assert (out / "notes.md").read_text() == "my notes on this run"
    (out / "notes.md").unlink()
    assert invoke("fit", *FAST, "--out", str(out), "--force").exit_code == 0  # tsrnn's own run is replaced


def test_a_subdirectory_is_never_tsrnn_s(tmp_path, fitted):
    fitted.save(tmp_path / "m")
    (tmp_path / "m" / "extra").mkdir()
    with pytest.raises(CheckpointError, match=r"it holds 'extra', which tsrnn did not write"):
        fitted.save(tmp_path / "m", overwrite=True)
    assert (tmp_path / "m" / "extra").is_dir()


def test_a_config_json_that_is_not_tsrnn_s_is_no_marker(tmp_path, fitted):
    d = tmp_path / "app"
    d.mkdir()
    (d / "config.json").write_text('{"theme": "dark"}')
    with pytest.raises(CheckpointError, match=r"it holds 'config\.json', which tsrnn did not write"):
        fitted.save(d, overwrite=True)
    assert (d / "config.json").read_text() == '{"theme": "dark"}'


@pytest.mark.parametrize(
    "out, why", [(".", "it is the current directory"), ("..", "it holds the current directory")]
)
def test_fit_never_replaces_the_current_directory_or_its_parent(tmp_path, monkeypatch, out, why):
    work = tmp_path / "project"
    work.mkdir()
    (work / "keep.txt").write_text("keep")
    monkeypatch.chdir(work)
    one_line_error(
        invoke("fit", *FAST, "--out", out, "--force"),
        f"refusing to write to {out!r}: {why}, which tsrnn never replaces",
    )
    assert os.listdir(work) == ["keep.txt"] and sorted(os.listdir(tmp_path)) == ["project"]


def test_an_empty_current_directory_is_refused_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_line_error(invoke("fit", *FAST, "--out", "."), "it is the current directory")
    assert os.listdir(tmp_path) == [] and os.listdir(tmp_path.parent).count(f".{tmp_path.name}.lock") == 0


def test_save_never_replaces_the_home_directory(tmp_path, monkeypatch, fitted):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(CheckpointError, match=r"it is the home directory, which tsrnn never replaces"):
        fitted.save(home, overwrite=True)
    assert os.listdir(home) == []


def test_root_is_one_line_error():
    with pytest.raises(CheckpointError, match=r"refusing to write to '/': it is the root directory"):
        check_replaceable("/", overwrite=True)


def _mount_point() -> Path | None:
    for candidate in ("/dev/shm", "/proc", "/sys", "/dev"):
        if os.path.ismount(candidate):
            return Path(candidate)
    return None


@pytest.mark.skipif(_mount_point() is None, reason="no mount point to test with")
def test_a_mount_point_is_refused_and_nothing_is_left_beside_it(fitted):
    mount = _mount_point()
    before = sorted(os.listdir(mount.parent))
    with pytest.raises(CheckpointError, match=rf"refusing to write to {str(mount)!r}: it is a mount point"):
        fitted.save(mount, overwrite=True)
    result = invoke("fit", *FAST, "--out", str(mount), "--force")
    one_line_error(result, "it is a mount point")
    assert sorted(os.listdir(mount.parent)) == before  # no .NAME.old-XXXX, .partial or .lock


# -- every command that writes follows the same rule ----------------------------------------------------
def test_compare_force_refuses_user_files(user_dir):
    before = listing(user_dir)
    one_line_error(
        invoke(
            "compare",
            "--hidden",
            "2",
            "--epochs",
            "1",
            "--length",
            "120",
            "--window",
            "5",
            "--out",
            str(user_dir),
            "--force",
        ),
        "it holds 'data.csv', which tsrnn did not write",
    )
    assert listing(user_dir) == before


def test_compare_force_replaces_its_own_result(tmp_path):
    out = tmp_path / "cmp"
    args = [
        "compare",
        "--hidden",
        "2",
        "--epochs",
        "1",
        "--length",
        "120",
        "--window",
        "5",
        "--out",
        str(out),
    ]
    assert invoke(*args).exit_code == 0
    one_line_error(
        invoke(*args), "is not empty; pass --force to replace it"
    )  # overwrite=True, as the CLI says it
    assert invoke(*args, "--force").exit_code == 0
    assert sorted(os.listdir(out)) == ["compare.csv", "compare.png"]


@pytest.fixture(scope="module")
def model_and_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("outputs")
    data = root / "s.csv"
    assert invoke("generate", "--features", "1", "--length", "150", "--out", str(data)).exit_code == 0
    assert invoke("fit", *TRAIN, "--data", str(data), "--out", str(root / "model")).exit_code == 0
    return root / "model", data


@pytest.mark.parametrize("command", ["predict", "backtest", "generate"])
def test_an_existing_output_file_is_replaced_only_with_force(model_and_data, tmp_path, command):
    model, data = model_and_data
    target = tmp_path / "out.csv"
    target.write_text("the user's own table\n")
    args = {
        "predict": ["predict", "--model", str(model)],
        "backtest": ["backtest", "--model", str(model), "--data", str(data), "--in-sample"],
        "generate": ["generate", "--length", "30"],
    }[command] + ["--out", str(target)]
    one_line_error(invoke(*args), f"{str(target)!r} exists; pass --force to replace it")
    assert target.read_text() == "the user's own table\n"
    assert invoke(*args, "--force").exit_code == 0
    assert target.read_text() != "the user's own table\n"
    assert os.listdir(tmp_path) == ["out.csv"]  # written through a temporary file and a rename


def test_an_output_file_that_is_a_directory_is_one_line_error(model_and_data, tmp_path):
    model, _ = model_and_data
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "inside").write_text("x")
    result = invoke("predict", "--model", str(model), "--out", str(tmp_path / "d"), "--force")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (tmp_path / "d" / "inside").read_text() == "x"


def test_plot_replaces_figures_in_another_directory_only_with_force(model_and_data, tmp_path):
    model, _ = model_and_data
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / "loss.png").write_bytes(b"my own figure")
    one_line_error(invoke("plot", str(model), "--out", str(figs)), f"loss.png already exist in {str(figs)!r}")
    assert (figs / "loss.png").read_bytes() == b"my own figure"
    assert invoke("plot", str(model), "--out", str(figs), "--force").exit_code == 0
    assert (figs / "loss.png").read_bytes()[:4] == b"\x89PNG"
    assert not [n for n in os.listdir(figs) if n.startswith(".")]


def test_an_interrupted_work_directory_with_user_files_is_kept(tmp_path):
    out = tmp_path / "run"
    work = tmp_path / ".run.partial"
    work.mkdir()
    (work / "mine.txt").write_text("mine")
    one_line_error(
        invoke("fit", *FAST, "--out", str(out), "--force"),
        f"refusing to remove {str(work)!r}: it holds 'mine.txt'",
    )
    assert (work / "mine.txt").read_text() == "mine"


# -- one process per output -----------------------------------------------------------------------------
HOLDER = """
import sys
from tsrnn.base.outputs import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def held(tmp_path):
    """Another process that holds the lock of tmp_path / 'run', as a running tsrnn fit does."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "run")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "locked"
    yield proc
    proc.stdin.close()
    proc.wait(timeout=60)


def test_a_second_fit_to_the_same_out_is_refused_while_the_first_runs(held, tmp_path):
    out = tmp_path / "run"
    for extra in ([], ["--force"]):
        one_line_error(
            invoke("fit", *FAST, "--out", str(out), *extra),
            f"another tsrnn process (pid {held.pid}) is writing {str(out)!r} now; wait for it to finish",
        )
    assert not out.exists() and not (tmp_path / ".run.partial").exists()


def test_save_to_a_locked_directory_is_one_line_error(held, tmp_path, fitted):
    with pytest.raises(CheckpointError, match=rf"another tsrnn process \(pid {held.pid}\) is writing"):
        fitted.save(tmp_path / "run")


def test_the_lock_ends_with_its_process(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "run")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "locked"
    proc.kill()
    proc.wait(timeout=60)
    assert (tmp_path / ".run.lock").exists()  # left by the killed process, but no longer held
    assert invoke("fit", *FAST, "--out", str(tmp_path / "run")).exit_code == 0
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_the_lock_is_reentrant_and_removed_after_use(tmp_path):
    with output_lock(tmp_path / "run"):
        with run_directory(tmp_path / "run") as work:
            (work / "a.txt").write_text("a")
        assert (tmp_path / ".run.lock").exists()
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_two_fits_started_at_once_never_mix_their_files(tmp_path):
    out = tmp_path / "run"
    args = [sys.executable, "-m", "tsrnn", "fit", *FAST, "--out", str(out), "--force"]
    env = dict(os.environ, MPLBACKEND="Agg")
    procs = [
        subprocess.Popen(
            args + ["--seed", str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for seed in (1, 2)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, err in results:  # each ran to the end, or was refused by the other's lock
        assert code == 0 or (code == 2 and "another tsrnn process" in err and err.count("\n") == 1), err
    assert any(code == 0 for code, _ in results)
    import json

    from tsrnn.estimator.forecaster import Forecaster

    seeds = {
        json.loads((out / name).read_text())["estimator"]["seed"] for name in ("config.json", "run.json")
    }
    assert len(seeds) == 1  # the model and the run's record come from one and the same fit
    assert Forecaster.load(out).n_features_in_ == 3
    assert sorted(os.listdir(tmp_path)) == ["run"]


# -- the lock file is tsrnn's own, never a user's file --------------------------------------------------
@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_lock_name_linked_to_a_user_file_is_refused_and_the_file_kept(tmp_path, monkeypatch, link):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "precious.txt").write_text("years of work\n")
    (os.symlink if link == "symbolic" else os.link)("precious.txt", ".run5.lock")
    why = "a symbolic link" if link == "symbolic" else "a file with 2 names (a hard link)"
    one_line_error(
        invoke("fit", *FAST, "--out", "run5"),
        f"{str(tmp_path / '.run5.lock')!r} exists and is not a lock tsrnn wrote ({why}); tsrnn keeps it",
    )
    assert (tmp_path / "precious.txt").read_text() == "years of work\n"
    assert sorted(os.listdir(tmp_path)) == [".run5.lock", "precious.txt"]  # no run, no work directory


@pytest.mark.parametrize("content", ["my notes\n", "tsrnn pid 12 and more\n", "x" * 100])
def test_a_user_file_named_like_the_lock_is_never_changed(tmp_path, content):
    (tmp_path / ".run.lock").write_text(content)
    with pytest.raises(CheckpointError, match="is not a lock tsrnn wrote \\(it holds something else\\)"):
        with output_lock(tmp_path / "run"):
            pass
    assert (tmp_path / ".run.lock").read_text() == content


def test_a_directory_named_like_the_lock_is_refused(tmp_path):
    (tmp_path / ".run.lock").mkdir()
    with pytest.raises(CheckpointError, match="is not a lock tsrnn wrote \\(a directory\\)"):
        with output_lock(tmp_path / "run"):
            pass


@pytest.mark.parametrize("left", ["tsrnn pid 999999\n", "999999\n", ""])
def test_a_lock_a_crashed_tsrnn_left_is_taken_over(tmp_path, left):
    (tmp_path / ".run.lock").write_text(left)  # as a killed tsrnn (or one before 0.2) left it
    with output_lock(tmp_path / "run"):
        assert (tmp_path / ".run.lock").read_text() == f"tsrnn pid {os.getpid()}\n"
    assert os.listdir(tmp_path) == []


def test_tsrnn_imports_without_fcntl():
    """Windows has no fcntl: the lock takes filelock's primitive (LockFileEx there), loaded when a lock is taken."""
    code = (
        "import sys; sys.modules['fcntl'] = None\n"
        "from tsrnn import Forecaster\n"
        "import tsrnn.base.outputs, tsrnn.nn.checkpoint, tsrnn.app.training_run, tsrnn.cli\n"
        "print('imported')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "imported", done.stderr


HOLD_FILE = """
import sys
from tsrnn.base.outputs import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


@pytest.mark.parametrize("command", ["predict", "backtest", "generate", "plot"])
def test_every_writing_command_takes_the_lock_of_its_output(model_and_data, tmp_path, command):
    model, data = model_and_data
    target = tmp_path / ("figs" if command == "plot" else "out.csv")
    args = {
        "predict": ["predict", "--model", str(model)],
        "backtest": ["backtest", "--model", str(model), "--data", str(data), "--in-sample"],
        "generate": ["generate", "--length", "30"],
        "plot": ["plot", str(model)],
    }[command] + ["--out", str(target)]
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_FILE, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        one_line_error(
            invoke(*args), f"another tsrnn process (pid {proc.pid}) is writing {str(target)!r} now"
        )
        assert os.listdir(tmp_path) == [f".{target.name}.lock"]
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert invoke(*args).exit_code == 0
    assert f".{target.name}.lock" not in os.listdir(tmp_path) and target.exists()

"""tsrnn.app.training_run: a run that fails after (or during) training keeps what it trained, and
says how to continue."""

from __future__ import annotations

import errno
import os
import subprocess

import pytest
from conftest import invoke, one_line_error

from tsrnn.app import training_run
from tsrnn.train.resume import TrainState

ARGS = [
    "fit",
    "--length",
    "200",
    "--epochs",
    "3",
    "--hidden",
    "3",
    "--layers",
    "1",
    "--window",
    "6",
    "--quiet",
]


def _full_disk(name: str):
    """write_atomic that fails like a full disk on ``name``."""
    real = training_run.write_atomic

    def write(path, data):
        if os.path.basename(path) == name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    return write


@pytest.fixture
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "run"
    assert invoke(*ARGS, "--out", str(out)).exit_code == 0
    return (out / "model.safetensors").read_bytes()


@pytest.mark.parametrize("name", ["metrics.json", "run.json"])
def test_a_full_disk_after_training_keeps_it_and_resume_finishes_the_run(
    tmp_path, monkeypatch, reference, name
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(training_run, "write_atomic", _full_disk(name))
    line = one_line_error(invoke(*ARGS, "--out", "run5"), "the run 'run5' stopped: [Errno 28] No space left")
    assert (
        "its training is kept in '.run5.partial' (saved after epoch 3): fix the cause (free disk space, "
        "permissions), then continue it with --resume, which ends with the model of a run never stopped"
        in line
    )
    assert not (tmp_path / "run5").exists()
    assert (tmp_path / ".run5.partial" / "checkpoint" / "training.json").is_file()
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    assert invoke("fit", "--resume", "run5", "--quiet").exit_code == 0
    assert (tmp_path / "run5" / "model.safetensors").read_bytes() == reference  # as a run never stopped
    assert sorted(os.listdir(tmp_path)) == ["run5"]


def test_a_bug_while_writing_the_run_keeps_the_training(tmp_path, monkeypatch):
    from tsrnn.app import run_plots

    def broken(*args, **kw):
        raise ValueError("a bug in a figure")

    monkeypatch.setattr(run_plots, "run_figures", broken)
    one_line_error(
        invoke(*ARGS, "--out", str(tmp_path / "run")),
        "stopped: ValueError: a bug in a figure; its training is kept in",
    )
    assert (tmp_path / ".run.partial" / "checkpoint" / "training.json").is_file()


def test_a_failure_during_training_keeps_the_epochs_before_it(tmp_path, monkeypatch):
    real = TrainState.save

    def save(self, directory, extra=None):
        if self.epoch == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(directory))
        real(self, directory, extra)

    monkeypatch.setattr(TrainState, "save", save)
    one_line_error(
        invoke(*ARGS, "--out", str(tmp_path / "run")), "(saved after epoch 2): fix the cause (free disk space"
    )


def test_a_failure_before_any_epoch_leaves_nothing_behind(tmp_path, monkeypatch):
    def save(self, directory, extra=None):
        raise OSError(errno.EACCES, "Permission denied", str(directory))

    monkeypatch.setattr(TrainState, "save", save)
    one_line_error(invoke(*ARGS, "--out", str(tmp_path / "run")), "Permission denied", code=1)
    assert os.listdir(tmp_path) == []


def test_a_file_that_appears_in_out_while_training_keeps_the_training(tmp_path, monkeypatch):
    out = tmp_path / "run"
    real = TrainState.save

    def save(self, directory, extra=None):
        real(self, directory, extra)
        out.mkdir(exist_ok=True)
        (out / "notes.txt").write_text("mine")  # the user writes into --out meanwhile

    monkeypatch.setattr(TrainState, "save", save)
    one_line_error(invoke(*ARGS, "--out", str(out)), "is not empty; pass --force to replace it")
    assert (out / "notes.txt").read_text() == "mine"
    assert (tmp_path / ".run.partial" / "checkpoint" / "training.json").is_file()
    monkeypatch.undo()
    (out / "notes.txt").unlink()
    assert invoke("fit", "--resume", str(out), "--quiet").exit_code == 0
    assert (out / "model.safetensors").is_file()


def test_a_library_run_of_data_in_memory_says_where_its_checkpoint_is(tmp_path, monkeypatch):
    from tsrnn.base.errors import CheckpointError
    from tsrnn.data.generate import multi_sine

    monkeypatch.setattr(training_run, "write_atomic", _full_disk("history.csv"))
    work = tmp_path / ".run.partial"
    with pytest.raises(CheckpointError, match=r"Forecaster.fit\(data, checkpoint_dir=.*resume=True\)"):
        training_run.fit_run(tmp_path / "run", data=multi_sine(200, 1, seed=0), epochs=2, hidden=3, window=6)
    assert (work / "checkpoint" / "training.json").is_file()


@pytest.fixture
def small_disk(tmp_path):
    """A 160 KiB file system: a run's checkpoint fits, its figures do not."""
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("this machine does not let tests mount a tmpfs")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_keeps_the_training_and_resume_finishes(small_disk, monkeypatch, reference):
    monkeypatch.chdir(small_disk)
    line = one_line_error(invoke(*ARGS, "--out", "run5"), "No space left on device")
    assert "its training is kept in '.run5.partial' (saved after epoch 3)" in line
    assert "continue it with --resume" in line  # the library's resume=True, in the CLI's words
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=True)  # space freed
    assert invoke("fit", "--resume", "run5", "--quiet").exit_code == 0
    assert (small_disk / "run5" / "model.safetensors").read_bytes() == reference
    assert sorted(os.listdir(small_disk)) == ["run5"]

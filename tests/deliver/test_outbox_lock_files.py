"""The outbox's state machine, the run lock and atomic file writes: nothing sent twice,
one run of a job at a time, no stale lock after a crash, no half-written file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from digest.deliver.files import write_atomic
from digest.deliver.pacing import Pacer
from digest.errors import DigestError, LockedError
from digest.lock import run_lock
from digest.store import Store
from digest.store.outbox import Outbox


def test_plan_is_recorded_once_and_fixed(store: Store) -> None:
    outbox = Outbox(store)
    first = outbox.plan("2026-04-25", "wecom", ["a", "b"])
    assert [(p.part, p.total, p.body, p.state) for p in first] == [
        (1, 2, "a", "pending"),
        (2, 2, "b", "pending"),
    ]
    again = outbox.plan("2026-04-25", "wecom", ["re-rendered"])
    assert [p.body for p in again] == ["a", "b"]  # a rerun completes what was planned
    forced = outbox.plan("2026-04-25", "wecom", ["new"], replace=True)
    assert [p.body for p in forced] == ["new"]


def test_a_part_is_claimed_by_one_run_only(store_location: str) -> None:
    path = store_location
    with Store.open(path) as store:
        Outbox(store).plan("2026-04-25", "wecom", ["a"])
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def contender() -> None:
        with Store.open(path) as own:
            barrier.wait()
            wins.append(Outbox(own).claim("2026-04-25", "wecom", 1))

    threads = [threading.Thread(target=contender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_a_part_left_sending_becomes_uncertain(store: Store) -> None:
    outbox = Outbox(store)
    outbox.plan("d", "c", ["a", "b"])
    assert outbox.claim("d", "c", 1)
    assert outbox.recover("d", "c") == [1]
    assert [p.state for p in outbox.parts("d", "c")] == ["uncertain", "pending"]
    assert not outbox.claim("d", "c", 1)  # never resent without --force
    assert outbox.recover("d", "c") == []


def test_pacer_waits_for_the_oldest_message_to_leave_the_window() -> None:
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer([(20, 60.0)], clock=lambda: now[0], sleep=sleep, history=[950.0 + i for i in range(20)])
    assert pacer.delay() == pytest.approx(10.0)  # the message at 950 leaves the window at 1010
    pacer.wait()
    assert slept == [pytest.approx(10.0)]


def test_second_holder_of_the_lock_is_refused_with_the_pid(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from digest.lock import run_lock\n"
         f"with run_lock('push', __import__('pathlib').Path({str(tmp_path)!r})):\n"
         "    print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(LockedError, match=rf"another push run in progress \(pid {holder.pid}\)") as caught,
            run_lock("push", tmp_path),
        ):
            pass
        assert caught.value.exit_code == 75
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the dead holder's lock: no stale lock.
    with run_lock("push", tmp_path) as path:
        assert path.read_text().strip() == str(os.getpid())
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "digest.txt"
    target.write_text("old")
    write_atomic(target, "新的内容\n")
    assert target.read_text() == "新的内容\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.txt"]


def test_atomic_write_refuses_a_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "bashrc"
    victim.write_text("precious")
    link = tmp_path / "digest.txt"
    link.symlink_to(victim)
    with pytest.raises(DigestError, match="symbolic link"):
        write_atomic(link, "overwrite")
    assert victim.read_text() == "precious"


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "digest.txt"
    target.write_text("old")
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        with pytest.raises(DigestError, match="cannot write"):
            write_atomic(target, "new")
        assert target.read_text() == "old"
    finally:
        folder.chmod(0o700)


def test_atomic_write_under_a_file_size_limit_keeps_the_old_file(tmp_path: Path) -> None:
    # In a folder of its own: the process may also write its cache under DIGEST_HOME, in tmp_path.
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "digest.txt"
    target.write_text("old")
    script = (
        "import resource, signal, sys; from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "from digest.deliver.files import write_atomic\n"
        "from digest.errors import DigestError\n"
        "try:\n"
        f"    write_atomic(Path({str(target)!r}), 'x' * 100000)\n"
        "except DigestError as e:\n"
        "    print(e.message); sys.exit(1)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and "cannot write" in result.stdout
    assert target.read_text() == "old"
    assert sorted(p.name for p in folder.iterdir()) == ["digest.txt"]

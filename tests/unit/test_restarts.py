"""`shopsync up` restarts a child after a growing pause and gives up on one failing in a loop."""

from __future__ import annotations

import signal

import pytest

from shopsync.entrypoints.restarts import RestartPolicy, exit_reason


def test_pauses_grow_and_too_many_exits_in_the_window_give_up() -> None:
    policy = RestartPolicy(window_s=60, max_restarts=3, base_delay_s=0.5, max_delay_s=30)
    assert [policy.after_exit(t) for t in (0.0, 1.0, 2.0)] == [0.5, 1.0, 2.0]
    assert policy.after_exit(3.0) is None


def test_exits_far_apart_never_add_up_to_giving_up() -> None:
    policy = RestartPolicy(window_s=60, max_restarts=3)
    assert all(policy.after_exit(t * 100.0) == 0.5 for t in range(20))


def test_the_reason_names_the_signal_or_the_code() -> None:
    assert exit_reason(-signal.SIGKILL) == "was killed by SIGKILL"
    assert exit_reason(1) == "exited with code 1"


async def test_a_child_flooding_its_output_is_cut_to_a_few_lines_a_second_with_a_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio
    import sys

    from shopsync.entrypoints.children import LINES_PER_S, pump

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "print('\\n'.join(f'error {n}' for n in range(5000)))",
        stdout=asyncio.subprocess.PIPE,
    )
    await pump("noisy", process)
    await process.wait()
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if "| error" in line]) <= 2 * LINES_PER_S
    assert len(lines) < 5000 and "more lines in that second, not shown" in lines[-1]

"""Which of a shop's webhooks are a connection's, what registering changes, what check says."""

from __future__ import annotations

from shopsync.domain.webhooks import (
    Outcome,
    RegistrationPlan,
    ShopWebhook,
    WebhookTarget,
    registration_plan,
    webhook_verdicts,
)

BASE = "https://shopsync.example"
PATH = "/webhooks/shoprenter/7/"
TARGET = WebhookTarget(f"{BASE}{PATH}now", BASE, PATH)
FIX = "shopsync shops connect s"


def hook(
    hook_id: str, url: str, active: bool = True, event: str = "order_status_change"
) -> ShopWebhook:
    return ShopWebhook(hook_id, event, url, active)


def test_a_shop_without_our_hook_gets_one_created_and_foreign_hooks_count_for_nothing() -> None:
    foreign = [
        hook("a", "https://erp.example/hook"),
        hook("b", f"{BASE}{PATH}now", event="order_confirm"),
        hook("c", f"{BASE}/webhooks/shoprenter/70/now"),
        hook("d", f"https://old.example{PATH}now"),
    ]
    assert registration_plan(foreign, TARGET) == RegistrationPlan(Outcome.CREATED)


def test_our_current_switched_on_hook_is_left_as_it_is() -> None:
    hooks = [hook("a", "https://erp.example/hook"), hook("b", TARGET.url)]
    assert registration_plan(hooks, TARGET) == RegistrationPlan(Outcome.UNCHANGED)


def test_a_stale_or_switched_off_hook_of_ours_is_repointed_not_doubled() -> None:
    assert registration_plan([hook("b", f"{BASE}{PATH}old")], TARGET) == RegistrationPlan(
        Outcome.UPDATED, "b"
    )
    assert registration_plan([hook("b", TARGET.url, active=False)], TARGET) == RegistrationPlan(
        Outcome.UPDATED, "b"
    )


def test_of_several_hooks_of_ours_the_current_one_stays_and_the_rest_go() -> None:
    hooks = [hook("x", f"{BASE}{PATH}old"), hook("y", TARGET.url), hook("z", TARGET.url, False)]
    assert registration_plan(hooks, TARGET) == RegistrationPlan(Outcome.UPDATED, None, ("x", "z"))


def lines(hooks: list[ShopWebhook]) -> list[str]:
    return [v.line for v in webhook_verdicts(hooks, TARGET, FIX)]


def test_check_names_a_missing_webhook_and_the_command_that_registers_it() -> None:
    assert lines([hook("a", "https://erp.example/hook")]) == [
        f"FAIL no order_status_change webhook sends to ShopSync — {FIX}"
    ]
    assert lines([hook("d", f"https://old.example{PATH}now")]) == [
        "FAIL no order_status_change webhook sends to ShopSync (one points at old.example, "
        f"not shopsync.example) — {FIX}"
    ]


def test_check_says_a_stale_url_a_switched_off_hook_and_doubles_without_the_token() -> None:
    stale = lines([hook("b", f"{BASE}{PATH}old", active=False)])
    assert stale[1:] == [
        f"FAIL webhook URL has an old token: it was rotated since — {FIX}",
        f"FAIL webhook is off — {FIX}",
    ]
    doubled = lines([hook("b", TARGET.url), hook("c", TARGET.url)])
    assert doubled == [f"FAIL 2 webhooks send each order to ShopSync — {FIX}"]
    good = lines([hook("b", TARGET.url)])
    assert all(line.startswith("ok ") for line in good) and "now" not in " ".join(good)

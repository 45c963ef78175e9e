"""Starts hookstep's `sendWebhook` by name from Python, reads its typed result, then a failing one and its failure.

    HOOKSTEP_ALLOWED_NETWORKS=127.0.0.0/8 npm start        # in the hookstep checkout: writes .hookstep/payload-keys
    node examples/receiver.mjs                             # a receiver on 127.0.0.1:8787
    cd <the hookstep checkout> && python clients/python/example.py \
        http://127.0.0.1:8787/tickets http://127.0.0.1:8787/missing

Environment: TEMPORAL_ADDRESS (default 127.0.0.1:7233), HOOKSTEP_TASK_QUEUE (default webhooks), and the payload keys
as hookstep_codec.HookstepCodec.from_env() reads them. Prints one JSON object: the result and the failure.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
import uuid
from typing import Any, Optional

import temporalio.converter
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from hookstep_codec import HookstepCodec


@dataclasses.dataclass
class SendWebhookResult:
    """What `sendWebhook` returns for a 2xx: the declared response fields in `body`, typed."""

    status: int
    body: dict[str, Any]
    attempts: int
    durationMs: int


def innermost_application_error(err: BaseException) -> Optional[ApplicationError]:
    """hookstep's failure type is on the innermost ApplicationError of the cause chain."""
    found: Optional[ApplicationError] = None
    cause: Optional[BaseException] = err
    while cause is not None:
        if isinstance(cause, ApplicationError):
            found = cause
        cause = cause.__cause__
    return found


async def main(ok_url: str, failing_url: str, id_prefix: str) -> dict[str, Any]:
    client = await Client.connect(
        os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
        data_converter=dataclasses.replace(temporalio.converter.default(), payload_codec=HookstepCodec.from_env()),
    )
    task_queue = os.environ.get("HOOKSTEP_TASK_QUEUE", "webhooks")

    result = await client.execute_workflow(
        "sendWebhook",
        {
            "url": ok_url,
            "body": {"orderId": "AG-1:ORD-9", "note": "café ☕"},
            "response": {"fields": {"ticketId": "string", "priority": "number"}},
        },
        id=f"{id_prefix}-ok",
        task_queue=task_queue,
        result_type=SendWebhookResult,
    )

    try:
        await client.execute_workflow(
            "sendWebhook",
            {"url": failing_url, "body": {"orderId": "AG-1:ORD-9"}},
            id=f"{id_prefix}-missing",
            task_queue=task_queue,
        )
        failure: dict[str, Any] = {"error": "the failing step succeeded"}
    except WorkflowFailureError as err:
        app = innermost_application_error(err)
        if app is None:
            failure = {"error": f"no ApplicationError in the cause chain of {err!r}"}
        else:
            details = app.details[0] if app.details else None
            failure = {
                "type": app.type,
                "message": app.message,
                "nonRetryable": app.non_retryable,
                "status": details["status"] if isinstance(details, dict) else None,
                "bodySnippet": details.get("bodySnippet") if isinstance(details, dict) else None,
            }

    return {
        "result": {
            "resultClass": type(result).__name__,
            "status": result.status,
            "attempts": result.attempts,
            "body": result.body,
        },
        "failure": failure,
    }


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: example.py <url answering 2xx> <url answering 4xx> [workflow id prefix]")
    prefix = sys.argv[3] if len(sys.argv) == 4 else f"py-order-9-{uuid.uuid4()}"
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2], prefix)), ensure_ascii=False), flush=True)
    # The SDK's native client threads can outlive the event loop, and the interpreter's finalization then sometimes
    # aborts a short-lived process after its work is done ("PyGILState_Release ... finalizing", temporalio/sdk-python
    # #300; seen once in hookstep's CI). Everything is written: end without finalizing.
    sys.stderr.flush()
    os._exit(0)

"""The Azure OpenAI Assistants (preview) introduction, run against ``agentkit serve``.

The client code is the tutorial's, unchanged except for the client's ``azure_endpoint`` and
``api_key`` (a local ``agentkit serve``, which also answers Azure's ``/openai/...`` URLs and
``api-key`` header). Left out: the image download (``client.files`` is not served) and
``IPython.display.clear_output``. ``code_interpreter`` is accepted and stored, but agentkit does
not run code: the offline ``TestModel`` simply answers.

Run it: ``python examples/assistants_api/azure_data_visualization.py``.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from openai import AzureOpenAI

from agentkit.server import BackgroundServer, ServerConfig, offline_model_factory


def tutorial(client: AzureOpenAI) -> dict[str, Any]:
    """The tutorial's client code; returns what it produced, for the tests."""
    # Create an assistant
    assistant = client.beta.assistants.create(
        name="Data Visualization",
        instructions="You are a helpful AI assistant who makes interesting visualizations "
        "based on data."
        "You have access to a sandboxed environment for writing and testing code."
        "When you are asked to create a visualization you should follow these steps:"
        "1. Write the code."
        "2. Anytime you write new code display a preview of the code to show your work."
        "3. Run the code to confirm that it runs."
        "4. If the code is successful display the visualization."
        "5. If the code is unsuccessful display the error message and try to revise the code "
        "and rerun going through the steps from above again.",
        tools=[{"type": "code_interpreter"}],
        # You must replace this value with the deployment name for your model.
        model="gpt-4-1106-preview",
    )
    print(assistant.model_dump_json(indent=2))

    # Create a thread
    thread = client.beta.threads.create()
    print(thread)

    # Add a user question to the thread
    message = client.beta.threads.messages.create(
        thread_id=thread.id, role="user", content="Create a visualization of a sinewave"
    )

    thread_messages = client.beta.threads.messages.list(thread.id)
    print(thread_messages.model_dump_json(indent=2))

    run = client.beta.threads.runs.create(
        thread_id=thread.id,
        assistant_id=assistant.id,
        # instructions="New instructions" #You can optionally provide new instructions but
        # these will override the default instructions
    )

    # Retrieve the status of the run
    run = client.beta.threads.runs.retrieve(thread_id=thread.id, run_id=run.id)

    status = run.status
    print(status)

    start_time = time.time()

    status = run.status

    while status not in ["completed", "cancelled", "expired", "failed"]:
        time.sleep(5)
        run = client.beta.threads.runs.retrieve(thread_id=thread.id, run_id=run.id)
        elapsed = time.time() - start_time
        print(f"Elapsed time: {int(elapsed // 60)} minutes {int(elapsed % 60)} seconds")
        status = run.status
        print(f"Status: {status}")

    messages = client.beta.threads.messages.list(thread_id=thread.id)

    print(f"Status: {status}")
    elapsed = time.time() - start_time
    print(f"Elapsed time: {int(elapsed // 60)} minutes {int(elapsed % 60)} seconds")
    print(messages.model_dump_json(indent=2))

    # Add a user question to the thread
    message = client.beta.threads.messages.create(
        thread_id=thread.id,
        role="user",
        content="Show me the code you used to generate the sinewave",
    )
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    while run.status not in ["completed", "cancelled", "expired", "failed"]:
        time.sleep(0.2)
        run = client.beta.threads.runs.retrieve(thread_id=thread.id, run_id=run.id)

    messages = client.beta.threads.messages.list(thread_id=thread.id)
    print(messages.model_dump_json(indent=2))

    data = json.loads(messages.model_dump_json(indent=2))
    code = data["data"][0]["content"][0]["text"]["value"]
    print(code)

    # Retrieve the message object
    message = client.beta.threads.messages.retrieve(
        thread_id=thread.id,
        message_id=data["data"][0]["id"],
    )
    # Extract the message content
    message_content = message.content[0].text  # type: ignore[union-attr]
    annotations = message_content.annotations
    citations: list[str] = []
    # Iterate over the annotations and add footnotes
    for index, annotation in enumerate(annotations):
        # Replace the text with a footnote
        message_content.value = message_content.value.replace(annotation.text, f" [{index}]")
    # Add footnotes to the end of the message before displaying to user
    message_content.value += "\n" + "\n".join(citations)
    print(message_content.value)
    return {"status": status, "messages": messages, "code": code, "assistant": assistant}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = ServerConfig(
            model_factory=offline_model_factory,
            db_path=str(Path(folder) / "agentkit.db"),
            api_keys={"sk-local": "default"},
        )
        with BackgroundServer(config) as server:
            client = AzureOpenAI(
                api_key="sk-local",
                api_version="2024-05-01-preview",
                azure_endpoint=f"http://{server.host}:{server.port}",
            )
            tutorial(client)


if __name__ == "__main__":
    main()

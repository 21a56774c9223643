"""The Azure OpenAI Assistants (preview) introduction, run against ``agentkit serve``.

The client code is the tutorial's, unchanged except for the client's ``azure_endpoint`` and
``api_key`` (a local ``agentkit serve``, which also answers Azure's ``/openai/...`` URLs and
``api-key`` header). Left out: ``IPython.display.clear_output`` and showing the images with
PIL (they are downloaded with ``client.files.content``, as in the tutorial).

The code interpreter is agentkit's own: the model's Python runs in a sandboxed Jupyter kernel
(bubblewrap; see docs/code-interpreter.md), and its charts come back as ``image_file`` parts.
The model here is agentkit's fake OpenAI server, scripted to answer as the tutorial's model
did: it calls ``code_interpreter`` with real matplotlib code.

Run it: ``python examples/assistants_api/azure_data_visualization.py``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from openai import AzureOpenAI

from agentkit.server import BackgroundServer, ServerConfig, upstream_model_factory
from agentkit.testing import FakeOpenAI, FakeReply, FakeRequest, FakeToolCall

SINE = """import numpy as np
import matplotlib.pyplot as plt

# Generating data for the sinewave
x = np.linspace(0, 4 * np.pi, 1000)  # Generate values from 0 to 4*pi
y = np.sin(x)  # Compute the sine of these values

# Plotting the sine wave
plt.plot(x, y)
plt.title('Sine Wave')
plt.xlabel('x')
plt.ylabel('sin(x)')
plt.grid(True)
plt.show()
"""

DARK_SINE = """plt.style.use('dark_background')
plt.plot(x, y, color='cyan')
plt.title('Sine Wave (dark mode)')
plt.grid(True, alpha=0.3)
plt.show()
"""


def model_script(request: FakeRequest) -> FakeReply | str:
    """What the tutorial's model did, turn by turn: code for each chart, then an answer."""
    asked = request.last_user_text
    ran = bool(request.tool_outputs())
    if "sinewave" in asked and "code" not in asked:
        if not ran:
            return FakeReply.calls(FakeToolCall("code_interpreter", {"code": SINE}))
        return "Here is the visualization of a sine wave: values from 0 to 4π on the x-axis."
    if "darkmode" in asked:
        if not ran:
            return FakeReply.calls(FakeToolCall("code_interpreter", {"code": DARK_SINE}))
        return "Here is the dark mode version of the sine wave visualization."
    return f"Certainly, here is the code I used:\n\n```python\n{SINE}```"


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

    sine_file_id = download_image(client, thread.id, "sinewave.png")

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
    dark_file_id = dark_mode(client, thread.id, assistant.id)
    return {
        "status": status,
        "messages": messages,
        "code": code,
        "assistant": assistant,
        "thread_id": thread.id,
        "images": [sine_file_id, dark_file_id],
    }


def download_image(client: AzureOpenAI, thread_id: str, filename: str) -> str:
    """The tutorial's image download, after a run that drew a chart."""
    messages = client.beta.threads.messages.list(thread_id=thread_id)
    data = json.loads(messages.model_dump_json(indent=2))  # Load JSON data into a Python object
    image_file_id = data["data"][0]["content"][0]["image_file"]["file_id"]
    print(image_file_id)  # Outputs: assistant-1YGVTvNzc2JXajI5JU9F0HMD

    content = client.files.content(image_file_id)
    content.write_to_file(filename)
    return str(image_file_id)


def dark_mode(client: AzureOpenAI, thread_id: str, assistant_id: str) -> str:
    """The tutorial's last question, and the download of the dark image."""
    # Add a user question to the thread
    client.beta.threads.messages.create(
        thread_id=thread_id,
        role="user",
        content="I prefer visualizations in darkmode can you change the colors to make a "
        "darkmode version of this visualization.",
    )
    # Run the thread
    run = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    while run.status not in ["completed", "cancelled", "expired", "failed"]:
        time.sleep(0.2)
        run = client.beta.threads.runs.retrieve(thread_id=thread_id, run_id=run.id)
    print(run.status)
    return download_image(client, thread_id, "dark_sine.png")


def scripted_upstream() -> FakeOpenAI:
    """The fake OpenAI server standing in for the tutorial's model."""
    return FakeOpenAI(model_script)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)  # the tutorial saves the images in the working directory
        factory, _, _ = upstream_model_factory(
            base_url=None, api_key=None, client=scripted_upstream().client()
        )
        config = ServerConfig(
            model_factory=factory,
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

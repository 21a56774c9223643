"""The code interpreter in a library agent: the model's Python, a chart, a file to download.

`CodeInterpreter` runs the model's code in a sandboxed Jupyter kernel per thread (see
docs/code-interpreter.md for what to install). The thread's input file is put in /mnt/data;
the chart comes back as an ``image_file`` part of the answer and the CSV the code wrote as a
``file_path`` annotation, both stored with `Files` beside the database.

A scripted model stands in so that this runs offline; give the agent a real model (say
``ResponsesModel("gpt-5.1")``) and it writes the code itself.

Run it: ``python examples/code_interpreter_chart.py``.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from agentkit import Agent, Runner
from agentkit.code_interpreter import CodeInterpreter
from agentkit.files import Files
from agentkit.models.function import FunctionInfo
from agentkit.models.request import ModelRequest
from agentkit.records import (
    FilePathAnnotation,
    ImageFileContent,
    Message,
    Text,
    TextContent,
    Thread,
)
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionModel, call_tool, text

CODE = """import pandas as pd
import matplotlib.pyplot as plt

sales = pd.read_csv('sales.csv')
sales.plot(x='month', y='total', kind='bar', legend=False, title='Sales by month')
plt.show()
sales.assign(share=sales.total / sales.total.sum()).to_csv('/mnt/data/shares.csv', index=False)
print(sales.total.sum())
"""


def analyst(request: ModelRequest, info: FunctionInfo) -> Any:
    """What a model would do: run code first, then answer with what it printed."""
    if info.turn == 1:
        return call_tool("code_interpreter", {"code": CODE})
    printed = request.items[-1].output.splitlines()[0]  # type: ignore[union-attr]
    return text(f"Total sales: {printed}. Shares: [shares.csv](sandbox:/mnt/data/shares.csv)")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with SQLiteStore(Path(folder) / "agentkit.db") as store:
            files = Files(store)  # bytes in agentkit.db.files/, metadata in the database
            sales = await files.add(b"month,total\n1,10\n2,14\n3,9\n", filename="sales.csv")
            interpreter = CodeInterpreter(files=files)
            agent = Agent(name="Analyst", model=FunctionModel(analyst), tools=[interpreter])
            thread = await store.create_thread(Thread())
            question = Message(
                thread_id=thread.id,
                role="user",
                content=[TextContent(text=Text(value="Chart my sales."))],
                attachments=[{"file_id": sales.id, "tools": [{"type": "code_interpreter"}]}],
            )
            await store.add_message(question)
            try:
                result = await Runner(store).run(agent, None, thread=thread)
            finally:
                await interpreter.aclose()

            call = result.tool_calls[0]
            print("code ran:", call.hosted is not None and call.hosted.type)
            answer = result.messages[-1]
            for part in answer.content:
                if isinstance(part, TextContent):
                    print("answer:", part.text.value)
                    for note in part.text.annotations:
                        if isinstance(note, FilePathAnnotation):
                            linked = await files.get(note.file_path.file_id)
                            print(f"  {note.text} -> {linked.filename} ({linked.bytes} bytes)")
                elif isinstance(part, ImageFileContent):
                    chart = await files.read(part.image_file.file_id)
                    print("chart:", part.image_file.file_id, chart[:4] == b"\x89PNG")


if __name__ == "__main__":
    asyncio.run(main())

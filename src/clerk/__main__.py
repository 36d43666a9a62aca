from clerk.cli import app

app(prog_name="clerk")

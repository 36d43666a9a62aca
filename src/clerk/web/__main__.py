from clerk.web.commands import main_app

main_app()()

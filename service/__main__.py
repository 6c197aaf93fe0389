"""`python -m service`: the admin command."""

from service.cli import main

main()

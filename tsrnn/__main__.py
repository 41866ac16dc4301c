"""``python -m tsrnn`` runs the command line, as the ``tsrnn`` script does."""

from .cli import main

if __name__ == "__main__":
    main()

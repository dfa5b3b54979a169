from pycompose.cli.main import main

main()

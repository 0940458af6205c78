from rusino.cli import main

main()

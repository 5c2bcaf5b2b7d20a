from zjcredit.cli import main

main()

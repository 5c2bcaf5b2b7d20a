from zjcredit.entry import main

main()

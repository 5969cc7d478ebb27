from hygiene.cli import main

raise SystemExit(main())

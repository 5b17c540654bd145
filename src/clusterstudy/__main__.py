from clusterstudy.pipeline.cli import main

raise SystemExit(main())

FROM python:3.12
CMD python -c 'import app; app.main()' "hello world" naïve "é"

FROM python:3.12
CMD echo $HOME
CMD migrate && serve
CMD serve > /var/log/app.log
CMD ls *.py
CMD cd /app
CMD PORT=80 serve
CMD ~/bin/serve
CMD serve "$PORT"
CMD printf a\nb
CMD (serve)
CMD serve {a,b}
CMD serve | tee log
CMD ["serve", "--port", "80"]

FROM python:3.12-slim
RUN pip3 install --upgrade pip \
    && python3 -m pip install -r requirements.txt \
    && python -m pip install gunicorn \
    && pip3.12 install --user httpie
RUN uv pip install --system -r requirements.txt

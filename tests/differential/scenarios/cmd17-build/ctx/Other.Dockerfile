FROM busybox:latest
EXPOSE 9000
CMD ["sleep", "86400"]

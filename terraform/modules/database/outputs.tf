output "endpoint" {
  description = "Address of the instance (direct connections: migrations, maintenance)."
  value       = aws_db_instance.this.address
}

output "proxy_endpoint" {
  description = "Address of RDS Proxy (the application's connections)."
  value       = aws_db_proxy.this.endpoint
}

output "port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "instance_identifier" {
  description = "Identifier of the RDS instance (snapshots, point-in-time restores)."
  value       = aws_db_instance.this.identifier
}

output "database_name" {
  description = "Name of the application database."
  value       = aws_db_instance.this.db_name
}

output "username" {
  description = "Master user of the database."
  value       = aws_db_instance.this.username
}

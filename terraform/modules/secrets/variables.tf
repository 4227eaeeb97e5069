variable "name" {
  description = "Prefix of every resource name (project-environment)."
  type        = string
}

variable "database_username" {
  description = "Master user of the database."
  type        = string
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
}

variable "database_endpoint" {
  description = "Address of the RDS instance itself (migrations connect here)."
  type        = string
}

variable "database_proxy_endpoint" {
  description = "Address of RDS Proxy (the application connects here)."
  type        = string
}

variable "redis_endpoint" {
  description = "Primary endpoint address of the Redis replication group."
  type        = string
}

variable "redis_port" {
  description = "Port of the Redis replication group."
  type        = number
}

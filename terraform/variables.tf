variable "project" {
  description = "Short name of the platform, used as the prefix of every resource name."
  type        = string
  default     = "platform"
}

variable "environment" {
  description = "Deployment stage (production, staging); part of every resource name."
  type        = string
  default     = "production"
}

variable "aws_region" {
  description = "AWS region for everything except the CloudFront certificate (always us-east-1)."
  type        = string
}

variable "domain_name" {
  description = "Apex domain of the platform (BASE_DOMAIN). A Route 53 public hosted zone for it must already exist."
  type        = string
}

variable "media_subdomain" {
  description = "Subdomain that serves user media through CloudFront; the signup must reserve it as a tenant slug."
  type        = string
  default     = "media"
}

variable "availability_zones" {
  description = "Two availability zones of the region; empty means <region>a and <region>b."
  type        = list(string)
  default     = []
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC; split into two public and two private subnets."
  type        = string
  default     = "10.20.0.0/16"
}

variable "single_nat_gateway" {
  description = "One NAT gateway for both AZs (cheaper, loses egress if its AZ fails) instead of one per AZ."
  type        = bool
  default     = false
}

variable "image_tag" {
  description = "Tag of the application image in the ECR repository that every task runs (e.g. the git SHA)."
  type        = string
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps application, flow, WAF and cache logs."
  type        = number
  default     = 365
}

variable "db_engine_version" {
  description = "PostgreSQL major version of the RDS instance (the same major as docker-compose.yml)."
  type        = string
  default     = "18"
}

variable "db_instance_class" {
  description = "RDS instance class of the primary database."
  type        = string
  default     = "db.m7g.large"
}

variable "db_allocated_storage" {
  description = "Initial storage of the database in GiB."
  type        = number
  default     = 100
}

variable "db_max_allocated_storage" {
  description = "Upper bound in GiB for RDS storage autoscaling."
  type        = number
  default     = 1000
}

variable "db_multi_az" {
  description = "Run a synchronous standby in the second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery kept by RDS (1-35)."
  type        = number
  default     = 14
}

variable "cache_node_type" {
  description = "ElastiCache node type of the Redis replication group."
  type        = string
  default     = "cache.m7g.large"
}

variable "cache_num_nodes" {
  description = "Redis nodes (one primary plus replicas), at least two: a replica in the other AZ takes over on failure."
  type        = number
  default     = 2
}

variable "services" {
  description = "Fargate size and task counts of each long-running role. Beat is always exactly one task."
  type = map(object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  }))
  default = {
    web    = { cpu = 1024, memory = 2048, desired_count = 2, min_count = 2, max_count = 10 }
    asgi   = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 6 }
    worker = { cpu = 1024, memory = 2048, desired_count = 2, min_count = 1, max_count = 8 }
    beat   = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 1 }
  }
}

variable "migrate_cpu" {
  description = "Fargate CPU units of the one-off migrate task."
  type        = number
  default     = 1024
}

variable "migrate_memory" {
  description = "Fargate memory (MiB) of the one-off migrate task."
  type        = number
  default     = 2048
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation that autoscaling keeps web, asgi and worker services at."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "ALB requests per web task per minute that autoscaling aims for (tune from docs/performance.md)."
  type        = number
  default     = 1000
}

variable "default_from_email" {
  description = "Sender address of platform email; empty means no-reply@<domain_name>."
  type        = string
  default     = ""
}

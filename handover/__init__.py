"""Live handover to agency staff: the conversation's owner, the queue, the transcript, staff replies."""

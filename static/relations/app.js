// Small progressive enhancements; every page works without them.
// Menus do not submit themselves on change: with a keyboard, every arrow key would reload the page.
document.documentElement.classList.add("js");
